package dev.umbra.operator.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import dev.umbra.operator.model.SchemaMigrationCrd;
import dev.umbra.testkit.kubernetes.InProcessKubernetes;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The Helm chart: it lints, renders with default and non-default values into what the operator
 * needs (least-privilege RBAC, a locked-down Deployment with probes, the metrics Service), refuses
 * contradictory values with a message, and its objects are accepted by a Kubernetes API.
 */
class HelmChartTest {

    private static final String FULL_NAME = "umbra";
    /** The Prometheus Operator's ServiceMonitor, which the in-process API does not know by itself. */
    private static final ResourceDefinitionContext SERVICE_MONITORS = new ResourceDefinitionContext.Builder()
            .withGroup("monitoring.coreos.com").withVersion("v1").withKind("ServiceMonitor").withPlural("servicemonitors")
            .withNamespaced(true).build();

    @Test
    void lintsCleanInStrictMode() {
        LintResult result = new Helm(RenderedChart.CHART).lint().strict().call();
        assertThat(result.isFailed()).as("helm lint --strict: %s", result.getMessages()).isFalse();
        assertThat(result.getMessages()).noneMatch(message -> message.contains("[ERROR]") || message.contains("[WARNING]"));
    }

    /** Least privilege by default: Secrets are read only in the watched namespaces, nothing cluster-wide. */
    @Test
    void defaultsInstallCrdNamespacedRbacDeploymentAndMetricsService() {
        RenderedChart chart = RenderedChart.withDefaults();
        // Two Roles and bindings: the migrations' in the watched namespace, the leader election Lease's.
        assertThat(chart.kinds()).containsExactly("CustomResourceDefinition", "Deployment", "Role", "Role", "RoleBinding",
                "RoleBinding", "Service", "ServiceAccount");
        assertThat(chart.all(ClusterRole.class)).isEmpty();
        assertThat(chart.all(ClusterRoleBinding.class)).isEmpty();

        CustomResourceDefinition crd = chart.object(CustomResourceDefinition.class, "schemamigrations.umbra.dev");
        assertThat(crd.getMetadata().getAnnotations()).containsEntry("helm.sh/resource-policy", "keep");
        assertThat(crd.getSpec()).isEqualTo(CrdFiles.checkedIn().getSpec());

        Role role = chart.object(Role.class, FULL_NAME);
        assertThat(role.getMetadata().getNamespace()).isEqualTo(RenderedChart.NAMESPACE);
        assertMigrationRules(role.getRules());
        RoleBinding binding = chart.all(RoleBinding.class).stream()
                .filter(candidate -> candidate.getMetadata().getName().equals(FULL_NAME)).findFirst().orElseThrow();
        assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
        assertThat(binding.getSubjects()).singleElement().satisfies(subject -> {
            assertThat(subject.getKind()).isEqualTo("ServiceAccount");
            assertThat(subject.getName()).isEqualTo(FULL_NAME);
            assertThat(subject.getNamespace()).isEqualTo(RenderedChart.NAMESPACE);
        });
        Role leases = chart.object(Role.class, FULL_NAME + "-leader-election");
        assertThat(leases.getMetadata().getNamespace()).isEqualTo(RenderedChart.NAMESPACE);
        assertThat(verbs(leases.getRules(), "coordination.k8s.io", "leases")).containsExactly("get", "create", "update", "patch");
        assertThat(chart.object(ServiceAccount.class, FULL_NAME).getMetadata().getNamespace()).isEqualTo(RenderedChart.NAMESPACE);

        Deployment deployment = chart.object(Deployment.class, FULL_NAME);
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        assertThat(pod.getServiceAccountName()).isEqualTo(FULL_NAME);
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(10001L);
        Container operator = pod.getContainers().get(0);
        assertThat(operator.getImage()).isEqualTo("umbra-operator:0.1.0");
        assertThat(operator.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(operator.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(operator.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(operator.getVolumeMounts()).anySatisfy(mount -> assertThat(mount.getMountPath()).isEqualTo("/tmp"));
        assertThat(operator.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(operator.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        assertThat(operator.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(operator.getResources().getLimits()).containsKey("memory");
        assertThat(operator.getPorts()).singleElement().satisfies(port -> {
            assertThat(port.getName()).isEqualTo("http-metrics");
            assertThat(port.getContainerPort()).isEqualTo(8080);
        });
        assertThat(env(operator)).containsEntry("UMBRA_NAMESPACES", RenderedChart.NAMESPACE).containsEntry("UMBRA_HTTP_PORT", "8080")
                .containsEntry("UMBRA_LEADER_ELECTION", "true").containsEntry("UMBRA_LEASE_NAME", "umbra-operator-lease")
                .containsEntry("UMBRA_LOG_LEVEL", "INFO").containsEntry("UMBRA_LOG_FORMAT", "text")
                .containsEntry("UMBRA_MAX_CONCURRENT_MIGRATIONS", "4")
                .doesNotContainKeys("UMBRA_HTTP_BIND_ADDRESS", "UMBRA_DIAGNOSTICS_INCLUDE_STATEMENTS");
        assertThat(chart.kinds()).doesNotContain("NetworkPolicy");
        assertThat(operator.getEnv()).filteredOn(variable -> variable.getName().equals("POD_NAMESPACE")).singleElement()
                .satisfies(variable -> assertThat(variable.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace"));

        Service service = chart.object(Service.class, FULL_NAME + "-metrics");
        assertThat(service.getSpec().getSelector()).isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
        assertThat(service.getSpec().getPorts()).singleElement().satisfies(port -> assertThat(port.getName()).isEqualTo("http-metrics"));
    }

    /** The cluster-wide mode stays available: one ClusterRole, bound to the operator's ServiceAccount. */
    @Test
    void clusterScopeGrantsOneClusterRoleAndWatchesEveryNamespace() {
        RenderedChart chart = RenderedChart.render(values -> values.set("rbac.scope", "cluster"));
        assertThat(chart.kinds()).containsExactly("ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "Deployment",
                "Role", "RoleBinding", "Service", "ServiceAccount");
        ClusterRole role = chart.object(ClusterRole.class, FULL_NAME);
        assertMigrationRules(role.getRules());
        ClusterRoleBinding binding = chart.object(ClusterRoleBinding.class, FULL_NAME);
        assertThat(binding.getRoleRef().getName()).isEqualTo(FULL_NAME);
        assertThat(binding.getSubjects()).singleElement().satisfies(subject -> {
            assertThat(subject.getName()).isEqualTo(FULL_NAME);
            assertThat(subject.getNamespace()).isEqualTo(RenderedChart.NAMESPACE);
        });
        assertThat(chart.all(Role.class)).extracting(r -> r.getMetadata().getName()).containsExactly(FULL_NAME + "-leader-election");
        Container operator = chart.object(Deployment.class, FULL_NAME).getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(env(operator)).containsEntry("UMBRA_NAMESPACES", "");
    }

    /**
     * On request, roles for the people and pipelines that use SchemaMigrations (kubectl umbra,
     * GitOps): read-only and read-write, aggregated into Kubernetes' view, edit and admin roles,
     * bound to nobody by the chart. Nothing of it by default (the default test sees no ClusterRole).
     */
    @Test
    void userRolesAreOfferedOnRequestAggregatedAndBoundToNobody() {
        RenderedChart chart = RenderedChart.render(values -> values.set("rbac.userRoles", true));
        assertThat(chart.all(ClusterRoleBinding.class)).isEmpty();
        ClusterRole view = chart.object(ClusterRole.class, FULL_NAME + "-view");
        assertThat(view.getMetadata().getLabels()).containsEntry("rbac.authorization.k8s.io/aggregate-to-view", "true")
                .containsEntry("rbac.authorization.k8s.io/aggregate-to-edit", "true");
        assertThat(view.getRules()).allSatisfy(rule -> assertThat(rule.getVerbs()).containsExactly("get", "list", "watch"));
        assertThat(view.getRules()).anySatisfy(rule -> {
            assertThat(rule.getApiGroups()).containsExactly("umbra.dev");
            assertThat(rule.getResources()).contains("schemamigrations");
        });
        assertThat(view.getRules()).anySatisfy(rule -> assertThat(rule.getResources()).containsExactly("events"));
        ClusterRole edit = chart.object(ClusterRole.class, FULL_NAME + "-edit");
        assertThat(edit.getMetadata().getLabels()).containsEntry("rbac.authorization.k8s.io/aggregate-to-edit", "true")
                .doesNotContainKey("rbac.authorization.k8s.io/aggregate-to-view");
        assertThat(edit.getRules()).singleElement().satisfies(rule -> {
            assertThat(rule.getResources()).containsExactly("schemamigrations");
            assertThat(rule.getVerbs()).contains("patch", "create", "delete");
        });
        assertThat(chart.all(ClusterRole.class)).noneSatisfy(role -> assertThat(role.getRules())
                .anySatisfy(rule -> assertThat(rule.getResources()).contains("secrets")));
    }

    /**
     * The NetworkPolicy: egress only to the databases, the API server and DNS; ingress only to the
     * metrics port, only from the selected pods; and no policy that would cut the operator off the API.
     */
    @Test
    void networkPolicyLetsOutOnlyDatabaseApiServerAndDnsTrafficAndInOnlyScrapes() {
        RenderedChart chart = RenderedChart.renderWithValues("""
                networkPolicy:
                  enabled: true
                  databases:
                    - cidr: 10.20.0.0/16
                      ports: [3306, 3307]
                  apiServer:
                    cidrs: [172.20.0.1/32]
                    port: 6443
                  metricsFrom:
                    - namespaceSelector:
                        matchLabels:
                          kubernetes.io/metadata.name: monitoring
                """);
        NetworkPolicy policy = chart.object(NetworkPolicy.class, FULL_NAME);
        Deployment deployment = chart.object(Deployment.class, FULL_NAME);
        assertThat(policy.getSpec().getPodSelector().getMatchLabels()).isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
        assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
        assertThat(policy.getSpec().getIngress()).singleElement().satisfies(rule -> {
            assertThat(rule.getPorts()).singleElement().satisfies(port -> assertThat(port.getPort().getIntVal()).isEqualTo(8080));
            assertThat(rule.getFrom()).singleElement().satisfies(peer -> assertThat(peer.getNamespaceSelector().getMatchLabels())
                    .containsEntry("kubernetes.io/metadata.name", "monitoring"));
        });
        List<NetworkPolicyEgressRule> egress = policy.getSpec().getEgress();
        assertThat(egress).hasSize(3);
        assertThat(egress.get(0).getTo()).singleElement().satisfies(peer -> assertThat(peer.getIpBlock().getCidr()).isEqualTo("10.20.0.0/16"));
        assertThat(egress.get(0).getPorts()).extracting(port -> port.getPort().getIntVal()).containsExactly(3306, 3307);
        assertThat(egress.get(1).getTo()).singleElement().satisfies(peer -> assertThat(peer.getIpBlock().getCidr()).isEqualTo("172.20.0.1/32"));
        assertThat(egress.get(1).getPorts()).extracting(port -> port.getPort().getIntVal()).containsExactly(6443);
        assertThat(egress.get(2).getPorts()).extracting(port -> port.getProtocol() + "/" + port.getPort().getIntVal())
                .containsExactly("UDP/53", "TCP/53");

        RenderedChart closed = RenderedChart.renderWithValues("""
                networkPolicy:
                  enabled: true
                  apiServer:
                    cidrs: [172.20.0.1/32]
                """);
        assertThat(closed.object(NetworkPolicy.class, FULL_NAME).getSpec().getIngress()).as("no scraper selected: no ingress").isEmpty();
        assertThatThrownBy(() -> RenderedChart.render(values -> values.set("networkPolicy.enabled", true)))
                .hasMessageContaining("networkPolicy.enabled=true needs networkPolicy.apiServer.cidrs");
    }

    @Test
    void metricsBindAddressAndDiagnosticsReachThePod() {
        Container podIp = RenderedChart.render(values -> values.set("metrics.bindAddress", "podIP").set("diagnostics.includeStatements", true))
                .object(Deployment.class, FULL_NAME).getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(podIp.getEnv()).filteredOn(variable -> variable.getName().equals("UMBRA_HTTP_BIND_ADDRESS")).singleElement()
                .satisfies(variable -> assertThat(variable.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("status.podIP"));
        assertThat(env(podIp)).containsEntry("UMBRA_DIAGNOSTICS_INCLUDE_STATEMENTS", "true");
        Container literal = RenderedChart.render(values -> values.set("metrics.bindAddress", "127.0.0.1"))
                .object(Deployment.class, FULL_NAME).getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(env(literal)).containsEntry("UMBRA_HTTP_BIND_ADDRESS", "127.0.0.1");
    }

    /**
     * The series the operator exports (MetricsAndLogsTest scrapes each of them from a live operator);
     * alerts and the dashboard may name no other.
     */
    private static final Set<String> EXPORTED = Set.of("umbra_migration_phase", "umbra_migration_rows_copied_total",
            "umbra_migration_rows_estimated", "umbra_migration_binlog_events_applied_total", "umbra_migration_apply_backlog",
            "umbra_migration_apply_lag_seconds", "umbra_migration_throttled", "umbra_migration_cut_over_attempts_total",
            "umbra_migration_last_lock_seconds", "umbra_cut_over_lock_seconds_bucket", "umbra_cut_over_lock_seconds_count",
            "umbra_cut_over_lock_seconds_sum");
    private static final Pattern UMBRA_SERIES = Pattern.compile("\\bumbra_[a-z_]+");

    @Test
    void thePrometheusRuleShipsTheAlertsOnOnlyTheSeriesTheOperatorExports() {
        assertThat(RenderedChart.withDefaults().kinds()).doesNotContain("PrometheusRule");
        GenericKubernetesResource rule = RenderedChart.renderWithValues("""
                metrics:
                  prometheusRule:
                    enabled: true
                    labels:
                      release: prometheus
                """).object(GenericKubernetesResource.class, FULL_NAME);
        assertThat(rule.getKind()).isEqualTo("PrometheusRule");
        assertThat(rule.getMetadata().getLabels()).containsEntry("release", "prometheus");
        String spec = RenderedChart.json(rule.getAdditionalProperties().get("spec"));
        assertThat(spec).contains("UmbraMigrationFailed").contains("UmbraCutOverLockLong").contains("UmbraOperatorDown")
                .contains("up{job=\\\"" + FULL_NAME + "-metrics\\\"}")
                .contains("{{ $labels.namespace }}");
        assertThat(seriesNamedIn(spec)).isNotEmpty().isSubsetOf(EXPORTED);
    }

    @Test
    void theDashboardIsValidJsonAndQueriesOnlyTheSeriesTheOperatorExports() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(RenderedChart.CHART.resolve("dashboards/umbra-migrations.json").toFile());
        assertThat(dashboard.path("uid").asText()).isEqualTo("umbra-migrations");
        List<String> queries = new ArrayList<>();
        dashboard.path("panels").forEach(panel -> panel.path("targets").forEach(target -> queries.add(target.path("expr").asText())));
        assertThat(queries).hasSizeGreaterThan(8);
        assertThat(seriesNamedIn(String.join("\n", queries))).isSubsetOf(EXPORTED)
                .contains("umbra_cut_over_lock_seconds_bucket", "umbra_migration_rows_copied_total");
    }

    private static Set<String> seriesNamedIn(String text) {
        Set<String> names = new TreeSet<>();
        Matcher matcher = UMBRA_SERIES.matcher(text);
        while (matcher.find()) {
            names.add(matcher.group());
        }
        return names;
    }

    @Test
    void namespacedScopeGrantsRolesOnlyInTheWatchedNamespacesAndOtherValuesReachThePod() {
        RenderedChart chart = RenderedChart.renderWithValues("""
                rbac:
                  scope: namespaced
                watchNamespaces: [shop, billing]
                replicas: 2
                logging:
                  level: debug
                  format: json
                image:
                  repository: registry.example.com/dba/umbra-operator
                  tag: 0.1.0-rc1
                metrics:
                  port: 9090
                  serviceMonitor:
                    enabled: true
                    labels:
                      release: prometheus
                """);
        assertThat(chart.all(ClusterRole.class)).isEmpty();
        assertThat(chart.all(ClusterRoleBinding.class)).isEmpty();
        List<Role> roles = chart.all(Role.class).stream().filter(role -> role.getMetadata().getName().equals(FULL_NAME)).toList();
        assertThat(roles).extracting(role -> role.getMetadata().getNamespace()).containsExactlyInAnyOrder("shop", "billing");
        assertThat(roles).allSatisfy(role -> assertThat(verbs(role.getRules(), "", "secrets")).containsExactly("get"));
        assertThat(roles).allSatisfy(role -> assertThat(verbs(role.getRules(), "", "configmaps")).containsExactly("get"));
        assertThat(chart.all(RoleBinding.class)).extracting(binding -> binding.getMetadata().getNamespace())
                .containsExactlyInAnyOrder("shop", "billing", RenderedChart.NAMESPACE);

        Deployment deployment = chart.object(Deployment.class, FULL_NAME);
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        Container operator = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(operator.getImage()).isEqualTo("registry.example.com/dba/umbra-operator:0.1.0-rc1");
        assertThat(env(operator)).containsEntry("UMBRA_NAMESPACES", "shop,billing").containsEntry("UMBRA_LOG_LEVEL", "DEBUG")
                .containsEntry("UMBRA_LOG_FORMAT", "json").containsEntry("UMBRA_HTTP_PORT", "9090");
        assertThat(operator.getPorts().get(0).getContainerPort()).isEqualTo(9090);

        GenericKubernetesResource monitor = chart.object(GenericKubernetesResource.class, FULL_NAME);
        assertThat(monitor.getKind()).isEqualTo("ServiceMonitor");
        assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "prometheus");
        assertThat(RenderedChart.json(monitor.getAdditionalProperties().get("spec"))).contains("\"port\":\"http-metrics\"")
                .contains("\"path\":\"/metrics\"").contains("\"honorLabels\":true");
    }

    @Test
    void namespacedScopeWithoutNamespacesWatchesTheReleaseNamespace() {
        RenderedChart chart = RenderedChart.render(values -> values.set("rbac.scope", "namespaced"));
        assertThat(chart.all(Role.class)).extracting(role -> role.getMetadata().getNamespace())
                .containsOnly(RenderedChart.NAMESPACE);
        Container operator = chart.object(Deployment.class, FULL_NAME).getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(env(operator)).containsEntry("UMBRA_NAMESPACES", RenderedChart.NAMESPACE);
    }

    @Test
    void contradictoryValuesAreRefusedWithAMessage() {
        assertThatThrownBy(() -> RenderedChart.render(values -> values.set("replicas", 2).set("leaderElection.enabled", false)))
                .hasMessageContaining("replicas above 1 need leaderElection.enabled=true");
        assertThatThrownBy(() -> RenderedChart.render(values -> values.set("rbac.scope", "everywhere")))
                .hasMessageContaining("rbac.scope must be cluster or namespaced, not \"everywhere\"");
        assertThatThrownBy(() -> RenderedChart.render(values -> values.set("logging.format", "xml")))
                .hasMessageContaining("logging.format must be text or json");
    }

    @Test
    void renderedObjectsAreAcceptedByAKubernetesApi() {
        RenderedChart chart = RenderedChart.render(values -> values.set("metrics.serviceMonitor.enabled", true)
                .set("networkPolicy.enabled", true).set("networkPolicy.apiServer.cidrs[0]", "172.20.0.1/32"));
        try (InProcessKubernetes kubernetes = InProcessKubernetes.start(SchemaMigrationCrd.definition())) {
            KubernetesClient client = kubernetes.client();
            // the in-process API starts with the CRD installed; the chart's replaces it
            client.apiextensions().v1().customResourceDefinitions().withName("schemamigrations.umbra.dev").delete();
            for (HasMetadata object : chart.objects()) {
                if (object instanceof GenericKubernetesResource monitor) {
                    client.genericKubernetesResources(SERVICE_MONITORS).inNamespace(RenderedChart.NAMESPACE).resource(monitor).create();
                } else {
                    client.resource(object).create();
                }
            }
            for (HasMetadata object : chart.objects()) {
                HasMetadata stored = object instanceof GenericKubernetesResource monitor
                        ? client.genericKubernetesResources(SERVICE_MONITORS).inNamespace(RenderedChart.NAMESPACE)
                                .withName(monitor.getMetadata().getName()).get()
                        : client.resource(object).get();
                assertThat(stored).as("%s %s", object.getKind(), object.getMetadata().getName()).isNotNull();
                assertThat(stored.getMetadata().getUid()).isNotBlank();
            }
            assertThat(client.apps().deployments().inNamespace(RenderedChart.NAMESPACE).withName(FULL_NAME).get()
                    .getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo(FULL_NAME);
        }
    }

    private static void assertMigrationRules(List<PolicyRule> rules) {
        assertThat(verbs(rules, "umbra.dev", "schemamigrations")).containsExactly("get", "list", "watch", "patch", "update");
        assertThat(verbs(rules, "umbra.dev", "schemamigrations/status")).containsExactly("get", "update", "patch");
        assertThat(verbs(rules, "", "secrets")).as("Secrets are only read by name").containsExactly("get");
        assertThat(verbs(rules, "", "configmaps")).as("ConfigMaps (CA bundles) are only read by name").containsExactly("get");
        assertThat(verbs(rules, "", "events")).containsExactly("create", "patch");
        assertThat(rules).hasSize(5).allSatisfy(rule -> {
            assertThat(rule.getResourceNames()).isNullOrEmpty();
            assertThat(rule.getVerbs()).doesNotContain("*", "delete", "deletecollection");
        });
    }

    private static List<String> verbs(List<PolicyRule> rules, String group, String resource) {
        return rules.stream().filter(rule -> rule.getApiGroups().contains(group) && rule.getResources().contains(resource))
                .flatMap(rule -> rule.getVerbs().stream()).toList();
    }

    private static Map<String, String> env(Container container) {
        return container.getEnv().stream().filter(variable -> variable.getValue() != null)
                .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    }
}
