package dev.umbra.testkit;

/** Starts a server and waits to be killed; {@link OrphanCleanupTest} runs it in a separate JVM. */
public final class ServerInChildJvm {

    private ServerInChildJvm() {
    }

    public static void main(String[] args) throws InterruptedException {
        DatabaseServer server = SharedServers.get(Flavor.MARIADB_11_4);
        System.out.println("STARTED " + server.pid() + " " + server.directory());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
