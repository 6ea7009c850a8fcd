import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Watches from outside, for scripts/bench-watch: waits until the lxcfs mount at the folder goes
 * away and a new one appears (by absence, not by number: the kernel gives a freed device number to
 * the next mount), then until every given process's mount namespace shows only the new device
 * among its lxcfs mounts, and prints the milliseconds between the two.
 *
 * <p>Usage: java RecoveryObserver.java LXCFS_DIR PID...
 */
public class RecoveryObserver {
  public static void main(String[] args) throws Exception {
    String dir = args[0];
    List<Path> tables = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      tables.add(Path.of("/proc", args[i], "mountinfo"));
    }
    System.out.println("ready");
    System.out.flush();
    while (deviceAt(dir) != null) {
      Thread.sleep(1);
    }
    String after;
    while ((after = deviceAt(dir)) == null) {
      Thread.sleep(1);
    }
    long appeared = System.nanoTime();
    // One table read at a time, and a repaired namespace is not read again: reading mount tables
    // takes the kernel's namespace lock, so an eager observer would slow down the repair it times.
    for (Path table : tables) {
      while (!allOn(table, after)) {
        Thread.sleep(1);
      }
    }
    System.out.println((System.nanoTime() - appeared) / 1_000_000);
  }

  /** The device of the top lxcfs mount at the folder in our own table, or null. */
  private static String deviceAt(String dir) throws IOException {
    String device = null;
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      String[] fields = line.split(" ");
      if (fields[4].equals(dir) && line.contains(" - fuse.lxcfs ")) {
        device = fields[2];
      }
    }
    return device;
  }

  private static boolean allOn(Path table, String device) throws IOException {
    for (String line : Files.readAllLines(table)) {
      if (line.contains(" - fuse.lxcfs ") && !line.split(" ")[2].equals(device)) {
        return false;
      }
    }
    return true;
  }
}
