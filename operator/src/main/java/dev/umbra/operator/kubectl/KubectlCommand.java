package dev.umbra.operator.kubectl;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** What every {@code kubectl umbra} command has: the cluster, the namespace option, its output. */
abstract class KubectlCommand implements Callable<Integer> {

    @ParentCommand
    private KubectlUmbra root;

    @Spec
    private CommandSpec spec;

    @Mixin
    private NamespaceOption namespace;

    KubectlUmbra root() {
        return root;
    }

    Migrations migrations() {
        return root.migrations();
    }

    /** The namespace given with -n, else the kubeconfig context's. */
    String namespace() {
        return namespace.resolve(root.migrations().client());
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
