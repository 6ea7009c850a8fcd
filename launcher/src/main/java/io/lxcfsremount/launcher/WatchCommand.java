package io.lxcfsremount.launcher;

import com.google.common.base.Ticker;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.lxcfsremount.core.Reconciler;
import io.lxcfsremount.core.linux.MountNamespaceThread;
import io.lxcfsremount.core.linux.NamespaceClone;
import io.lxcfsremount.core.linux.WatchEvents;
import io.lxcfsremount.core.watch.WatchListener;
import io.lxcfsremount.core.watch.Watcher;
import io.lxcfsremount.core.watch.WedgedLxcfsAborter;
import io.lxcfsremount.launcher.agent.AgentMetrics;
import io.lxcfsremount.launcher.agent.HealthServer;
import io.lxcfsremount.launcher.agent.HeapTrim;
import io.lxcfsremount.launcher.agent.ListenAddress;
import io.lxcfsremount.launcher.agent.Listeners;
import io.lxcfsremount.launcher.agent.Liveness;
import io.lxcfsremount.launcher.agent.PassLog;
import io.lxcfsremount.launcher.agent.Readiness;
import io.lxcfsremount.launcher.events.PodEvents;
import io.lxcfsremount.launcher.logging.Logging;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** {@code lxcfs-remount watch}: the node agent, repairing by itself every time lxcfs restarts. */
final class WatchCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(WatchCommand.class);

  /** {@code --kubernetes-events}: auto posts Events when running inside a cluster. */
  enum KubernetesEvents {
    AUTO,
    TRUE,
    FALSE
  }

  private final CommonOptions options = new CommonOptions();

  private final TypedOption<Duration> resync =
      TypedOption.of(
          Duration.class,
          OptionSpec.builder("--resync")
              .paramLabel("DURATION")
              .defaultValue("${env:LXCFS_REMOUNT_RESYNC:-60s}")
              .description(
                  "A full pass at least this often, as a safety net (default: ${DEFAULT-VALUE}; env"
                      + " LXCFS_REMOUNT_RESYNC)."));

  private final TypedOption<InetSocketAddress> listen =
      TypedOption.of(
          InetSocketAddress.class,
          OptionSpec.builder("--listen")
              .paramLabel("HOST:PORT")
              .defaultValue("${env:LXCFS_REMOUNT_LISTEN:-127.0.0.1:9477}")
              .description(
                  "Where to serve /metrics, /healthz and /readyz (default: ${DEFAULT-VALUE}; env"
                      + " LXCFS_REMOUNT_LISTEN)."));

  private final TypedOption<KubernetesEvents> kubernetesEvents =
      TypedOption.of(
          KubernetesEvents.class,
          OptionSpec.builder("--kubernetes-events")
              .paramLabel("auto|true|false")
              .arity("0..1")
              .fallbackValue("true")
              .defaultValue("${env:LXCFS_REMOUNT_KUBERNETES_EVENTS:-auto}")
              .description(
                  "Post Events on the pods of repaired containers; auto = when running inside a"
                      + " cluster (default: ${DEFAULT-VALUE}; env LXCFS_REMOUNT_KUBERNETES_EVENTS)."));

  private final TypedOption<Duration> abortWedged =
      TypedOption.of(
          Duration.class,
          OptionSpec.builder("--abort-wedged")
              .paramLabel("DURATION")
              .defaultValue("${env:LXCFS_REMOUNT_ABORT_WEDGED:-0s}")
              .description(
                  "Abort the FUSE connection of an lxcfs that has not answered for DURATION, so its"
                      + " readers get an error instead of hanging; 0s = never (default:"
                      + " ${DEFAULT-VALUE}; env LXCFS_REMOUNT_ABORT_WEDGED)."));

  private final TypedOption<String> nodeName =
      TypedOption.of(
          String.class,
          OptionSpec.builder("--node-name")
              .paramLabel("NAME")
              .defaultValue("${env:NODE_NAME:-}")
              .description(
                  "This node's name, the reporting instance of Events (default: env NODE_NAME, else"
                      + " the host name)."));

  private final ContainerSelection selection = new ContainerSelection();

  /** The command, built in code ({@link Main#COMMANDS}). */
  CommandSpec spec() {
    CommandSpec command =
        CommandSpecs.of(
            this,
            "watch",
            "Watch lxcfs and repair every container each time it restarts; serve /metrics,"
                + " /healthz and /readyz.");
    options.addTo(command);
    TypedOption.addTo(command, resync, listen, kubernetesEvents, abortWedged, nodeName);
    selection.addTo(command);
    return command;
  }

  @Override
  public Integer call() throws Exception {
    Logging.configure(options.logging());
    Privileges.require(
        "watch", Privileges.CAP_SYS_ADMIN, Privileges.CAP_SYS_CHROOT, Privileges.CAP_SYS_PTRACE);
    if (resync.value().isZero()) {
      throw new UsageException("--resync must be longer than 0s");
    }
    if (abortWedged.value().isNegative()) {
      throw new UsageException("--abort-wedged must not be negative");
    }
    Readiness readiness = new Readiness();
    Liveness liveness = new Liveness(Ticker.systemTicker());
    CountDownLatch stopped = new CountDownLatch(1);
    try (AgentParts agent = new AgentParts(options)) {
      Reconciler reconciler = agent.reconciler();
      AgentMetrics metrics =
          new AgentMetrics(
              () -> agent.locator().stuckProbes() + reconciler.stuckProbes(),
              () -> MountNamespaceThread.stuck() + NamespaceClone.stuck());
      List<WatchListener> listeners =
          new ArrayList<>(List.of(metrics, readiness, liveness, new PassLog(), new HeapTrim()));
      try (KubernetesClient kubernetes =
              postsEvents() ? new KubernetesClientBuilder().build() : null;
          PodEvents events =
              kubernetes == null ? null : new PodEvents(kubernetes, thisNode(), Clock.systemUTC());
          WatchEvents wakeups = WatchEvents.open(agent.proc().selfMountinfo().toString());
          HealthServer http = serve(metrics, readiness, liveness)) {
        watch(agent, reconciler, listeners, events, wakeups, http, stopped);
      }
    }
    return ExitCode.CLEAN;
  }

  private HealthServer serve(AgentMetrics metrics, Readiness readiness, Liveness liveness) {
    try {
      return HealthServer.start(listen.value(), metrics.registry(), readiness, liveness);
    } catch (IOException e) {
      throw new UsageException(
          "--listen " + ListenAddress.text(listen.value()) + ": cannot listen: " + e.getMessage(),
          e);
    }
  }

  private void watch(
      AgentParts agent,
      Reconciler reconciler,
      List<WatchListener> listeners,
      PodEvents events,
      WatchEvents wakeups,
      HealthServer http,
      CountDownLatch stopped)
      throws Exception {
    Preflight.warnings(options.strategy.value()).forEach(warning -> log.warn("{}", warning));
    if (events != null) {
      listeners.add(events);
    }
    Watcher watcher =
        new Watcher(
            reconciler,
            selection.filter(),
            agent.locator(),
            agent.proc(),
            agent.linux(),
            wakeups,
            new Listeners(listeners),
            resync.value(),
            abortWedged.value().isZero()
                ? WedgedLxcfsAborter.never()
                : WedgedLxcfsAborter.after(abortWedged.value(), Ticker.systemTicker()),
            Ticker.systemTicker());
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> stopOnSignal(watcher, stopped), "shutdown"));
    log.info(
        "watching lxcfs at {} (runtime {}, resync {} s, http on port {}, kubernetes events {})",
        agent.locator().dir(),
        options.runtime.value().name().toLowerCase(Locale.ROOT),
        resync.value().toSeconds(),
        http.port(),
        events != null ? "on" : "off");
    try {
      watcher.run();
      log.info("stopped");
    } finally {
      stopped.countDown();
    }
  }

  private static void stopOnSignal(Watcher watcher, CountDownLatch stopped) {
    watcher.stop();
    try {
      stopped.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Whether to post Events: asked for, or (auto) running inside a cluster. */
  private boolean postsEvents() {
    KubernetesEvents wanted = kubernetesEvents.value();
    return switch (wanted) {
      case AUTO -> System.getenv("KUBERNETES_SERVICE_HOST") != null;
      case TRUE -> true;
      case FALSE -> false;
    };
  }

  private String thisNode() {
    String named = nodeName.value();
    if (!named.isEmpty()) {
      return named;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown";
    }
  }
}
