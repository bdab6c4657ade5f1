{{/* The release's full name: "umbra" for a release named umbra, else "<release>-umbra". */}}
{{- define "umbra.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "umbra.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "umbra.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "umbra.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: operator
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "umbra.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "umbra.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The namespaces the namespaced RBAC covers: the watched ones, or the release's own. */}}
{{- define "umbra.rbacNamespaces" -}}
{{- if .Values.watchNamespaces -}}
{{- join "," .Values.watchNamespaces -}}
{{- else -}}
{{- .Release.Namespace -}}
{{- end -}}
{{- end -}}

{{/* What UMBRA_NAMESPACES is set to: empty (all) only with cluster-wide RBAC. */}}
{{- define "umbra.watchedNamespaces" -}}
{{- if eq .Values.rbac.scope "namespaced" -}}
{{- include "umbra.rbacNamespaces" . -}}
{{- else -}}
{{- join "," .Values.watchNamespaces -}}
{{- end -}}
{{- end -}}

{{- define "umbra.validate" -}}
{{- if not (has .Values.rbac.scope (list "cluster" "namespaced")) -}}
{{- fail (printf "rbac.scope must be cluster or namespaced, not %q" .Values.rbac.scope) -}}
{{- end -}}
{{- if not (has (upper .Values.logging.level) (list "TRACE" "DEBUG" "INFO" "WARN" "ERROR")) -}}
{{- fail (printf "logging.level must be TRACE, DEBUG, INFO, WARN or ERROR, not %q" .Values.logging.level) -}}
{{- end -}}
{{- if not (has .Values.logging.format (list "text" "json")) -}}
{{- fail (printf "logging.format must be text or json, not %q" .Values.logging.format) -}}
{{- end -}}
{{- if and .Values.networkPolicy.enabled (not .Values.networkPolicy.apiServer.cidrs) -}}
{{- fail "networkPolicy.enabled=true needs networkPolicy.apiServer.cidrs (kubectl get endpoints kubernetes): without them the operator could not reach the Kubernetes API" -}}
{{- end -}}
{{- if and (gt (int .Values.replicas) 1) (not .Values.leaderElection.enabled) -}}
{{- fail "replicas above 1 need leaderElection.enabled=true: two operators would run the same migrations" -}}
{{- end -}}
{{- end -}}

{{/* What the operator may do with SchemaMigrations and in the namespaces it watches. */}}
{{- define "umbra.migrationRules" -}}
# watch SchemaMigrations; add and remove the finalizer
- apiGroups: ["umbra.dev"]
  resources: ["schemamigrations"]
  verbs: ["get", "list", "watch", "patch", "update"]
# phase, progress and conditions
- apiGroups: ["umbra.dev"]
  resources: ["schemamigrations/status"]
  verbs: ["get", "update", "patch"]
# the database login (spec.database.credentialsSecretRef) and TLS material (spec.database.tls), by name
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get"]
# a CA bundle named by spec.database.tls.ca.configMapKeyRef
- apiGroups: [""]
  resources: ["configmaps"]
  verbs: ["get"]
# phase changes, approvals, throttling and failures; repeats update their Event's count
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "patch"]
{{- end -}}
