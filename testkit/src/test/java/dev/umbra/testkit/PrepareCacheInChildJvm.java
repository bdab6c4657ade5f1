package dev.umbra.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/** Prepares the server files of some flavors in a given cache once a go file appears; run by {@link ColdCacheTest}. */
public final class PrepareCacheInChildJvm {

    private PrepareCacheInChildJvm() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path cache = Path.of(args[0]);
        Path go = Path.of(args[1]);
        System.out.println("WAITING");
        System.out.flush();
        while (!Files.exists(go)) {
            Thread.sleep(5);
        }
        for (String id : args[2].split(",")) {
            Flavor flavor = Flavor.byId(id);
            Path template = new Distribution(flavor, cache).templateDataDir();
            System.out.println("PREPARED " + flavor.id() + " " + template);
        }
        System.out.flush();
    }
}
