package dev.flint.devstack;

/** Entry point of {@code flint devstack}. */
public final class Devstack {

    private Devstack() {
    }

    public static void main(String[] args) {
        System.err.println("flint devstack: the portal emulator, gateway and topology are not built yet"
            + " (see the README status table).");
        System.exit(3);
    }
}
