package io.lxcfsremount.cri;

import io.lxcfsremount.cri.CriPods.FileMount;
import io.lxcfsremount.cri.CriPods.TestPod;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * CRI containers for {@code scripts/bench-watch}, which has no CRI client of its own: {@code
 * CriFleet COUNT LXCFS_DIR FILE...} runs COUNT containers, four to a pod, made by {@link CriPods}
 * through the runtime at {@value CriPods#ENDPOINT_VARIABLE}, each with every FILE of the lxcfs
 * folder (e.g. {@code proc/meminfo}) bound over the same path; prints the host PID of each
 * container, one a line, then {@code ready}; and removes them all when it is stopped (SIGTERM), or
 * after an hour.
 */
public final class CriFleet {
  private static final int CONTAINERS_PER_POD = 4;
  private static final Duration HOLD = Duration.ofHours(1);

  private CriFleet() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length < 3) {
      System.err.println("usage: CriFleet COUNT LXCFS_DIR FILE...");
      System.exit(2);
    }
    int count = Integer.parseInt(args[0]);
    Path lxcfsDir = Path.of(args[1]);
    List<FileMount> mounts = new ArrayList<>();
    for (int i = 2; i < args.length; i++) {
      mounts.add(new FileMount(lxcfsDir.resolve(args[i]), "/" + args[i], false));
    }
    CriPods pods = CriPods.connect();
    Runtime.getRuntime().addShutdownHook(new Thread(pods::close, "remove-pods"));
    List<String> containers = new ArrayList<>();
    TestPod pod = null;
    for (int i = 0; i < count; i++) {
      if (i % CONTAINERS_PER_POD == 0) {
        pod = pods.runPod("bench");
      }
      containers.add(
          pods.startContainer(pod, "c" + i % CONTAINERS_PER_POD, mounts.toArray(FileMount[]::new)));
    }
    for (String container : containers) {
      System.out.println(pods.pid(container));
    }
    System.out.println("ready");
    System.out.flush();
    // Held until the benchmark stops it, or for an hour should the benchmark die without stopping
    // it (a benchmark takes minutes); either way the shutdown hook then removes the pods.
    Thread.sleep(HOLD.toMillis());
    System.err.println(
        "CriFleet: held " + HOLD.toMinutes() + " min without being stopped; removing the pods");
  }
}
