package io.lxcfsremount.launcher;

import com.google.common.base.Ticker;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.lxcfsremount.core.bounded.DaemonThreads;
import io.lxcfsremount.launcher.agent.ListenAddress;
import io.lxcfsremount.launcher.logging.Logging;
import io.lxcfsremount.launcher.logging.LoggingOptions;
import io.lxcfsremount.launcher.webhook.AdmissionHandler;
import io.lxcfsremount.launcher.webhook.CaBundlePublisher;
import io.lxcfsremount.launcher.webhook.CertificateFiles;
import io.lxcfsremount.launcher.webhook.SelfManagedCertificate;
import io.lxcfsremount.launcher.webhook.ServerCertificate;
import io.lxcfsremount.launcher.webhook.WebhookServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code lxcfs-remount webhook}: the admission webhook that gives opted-in pods the lxcfs files.
 */
final class WebhookCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(WebhookCommand.class);

  /** How often a self-managed replica makes sure its CA is still in the caBundle. */
  private static final Duration REPUBLISH = Duration.ofMinutes(5);

  private final TypedOption<InetSocketAddress> listen =
      TypedOption.of(
          InetSocketAddress.class,
          OptionSpec.builder("--listen")
              .paramLabel("HOST:PORT")
              .defaultValue("${env:LXCFS_REMOUNT_LISTEN:-0.0.0.0:8443}")
              .description(
                  "Where to serve HTTPS (default: ${DEFAULT-VALUE}; env LXCFS_REMOUNT_LISTEN)."));

  final TypedOption<Path> certificateFile =
      TypedOption.of(
          Path.class,
          OptionSpec.builder("--tls-cert-file")
              .paramLabel("FILE")
              .defaultValue("${env:LXCFS_REMOUNT_TLS_CERT_FILE}")
              .description(
                  "The server certificate (PEM, chain after it), read again when it changes"
                      + " (env LXCFS_REMOUNT_TLS_CERT_FILE)."));

  final TypedOption<Path> keyFile =
      TypedOption.of(
          Path.class,
          OptionSpec.builder("--tls-private-key-file")
              .paramLabel("FILE")
              .defaultValue("${env:LXCFS_REMOUNT_TLS_PRIVATE_KEY_FILE}")
              .description(
                  "Its private key (PEM: PKCS#8, PKCS#1 or SEC 1) (env"
                      + " LXCFS_REMOUNT_TLS_PRIVATE_KEY_FILE)."));

  final TypedOption<Boolean> selfManaged =
      TypedOption.of(
          boolean.class,
          OptionSpec.builder("--self-managed-tls")
              .defaultValue("${env:LXCFS_REMOUNT_SELF_MANAGED_TLS:-false}")
              .description(
                  "Instead of certificate files: make a CA and certificate at start and add the CA to"
                      + " the caBundle of --webhook-configuration (env"
                      + " LXCFS_REMOUNT_SELF_MANAGED_TLS)."));

  final TypedOption<String> webhookConfiguration =
      TypedOption.of(
          String.class,
          OptionSpec.builder("--webhook-configuration")
              .paramLabel("NAME")
              .defaultValue("${env:LXCFS_REMOUNT_WEBHOOK_CONFIGURATION:-lxcfs-remount-webhook}")
              .description(
                  "The MutatingWebhookConfiguration whose caBundle --self-managed-tls fills"
                      + " (default: ${DEFAULT-VALUE}; env LXCFS_REMOUNT_WEBHOOK_CONFIGURATION)."));

  final TypedOption<String> service =
      TypedOption.of(
          String.class,
          OptionSpec.builder("--service")
              .paramLabel("NAME.NAMESPACE")
              .defaultValue("${env:LXCFS_REMOUNT_SERVICE:-lxcfs-remount-webhook.lxcfs}")
              .description(
                  "The Service the API server calls, named in the --self-managed-tls certificate"
                      + " (default: ${DEFAULT-VALUE}; env LXCFS_REMOUNT_SERVICE)."));

  private final TypedOption<String> lxcfsDir =
      CommonOptions.lxcfsDir("Where lxcfs is mounted on the nodes");

  private final TypedOption<List<String>> excludedNamespaces =
      TypedOption.repeatable(
          String.class,
          OptionSpec.builder("--exclude-namespace")
              .paramLabel("NAMESPACE")
              .splitRegex(",")
              .defaultValue("${env:LXCFS_REMOUNT_EXCLUDE_NAMESPACE:-kube-system,lxcfs}")
              .description(
                  "Namespaces whose pods are never mutated (default: ${DEFAULT-VALUE};"
                      + " env LXCFS_REMOUNT_EXCLUDE_NAMESPACE)."));

  private final LoggingOptions logging = new LoggingOptions();

  /** The command, built in code ({@link Main#COMMANDS}). */
  CommandSpec spec() {
    CommandSpec command =
        CommandSpecs.of(
            this,
            "webhook",
            "Serve the mutating admission webhook (POST /mutate, /mutate-namespace) that mounts"
                + " the lxcfs files into every container of opted-in pods.");
    TypedOption.addTo(
        command,
        listen,
        certificateFile,
        keyFile,
        selfManaged,
        webhookConfiguration,
        service,
        lxcfsDir,
        excludedNamespaces);
    logging.addTo(command);
    return command;
  }

  @Override
  public Integer call() throws Exception {
    Logging.configure(logging);
    if (!lxcfsDir.value().startsWith("/")) {
      throw new UsageException(
          "--lxcfs-dir must be an absolute path on the nodes, not " + lxcfsDir.value());
    }
    boolean files = certificateFile.value() != null || keyFile.value() != null;
    if (files == selfManaged.value()
        || (files && (certificateFile.value() == null || keyFile.value() == null))) {
      throw new UsageException(
          "give --tls-cert-file and --tls-private-key-file, or --self-managed-tls");
    }
    CountDownLatch stopped = new CountDownLatch(1);
    try (KubernetesClient kubernetes =
        selfManaged.value() ? new KubernetesClientBuilder().build() : null) {
      ServerCertificate certificate =
          selfManaged.value() ? selfManagedCertificate(kubernetes) : files();
      AdmissionHandler handler =
          new AdmissionHandler(lxcfsDir.value(), Set.copyOf(excludedNamespaces.value()));
      WebhookServer server;
      try {
        server = WebhookServer.start(listen.value(), certificate, handler);
      } catch (IOException e) {
        throw new UsageException(
            "--listen " + ListenAddress.text(listen.value()) + ": cannot listen: " + e.getMessage(),
            e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "shutdown"));
      log.info(
          "serving admission reviews on port {} (lxcfs at {}, {})",
          server.port(),
          lxcfsDir.value(),
          selfManaged.value()
              ? "self-managed certificate, CA in " + webhookConfiguration.value()
              : "certificate from " + certificateFile.value());
      try (server) {
        stopped.await();
      }
      log.info("stopped");
    }
    return ExitCode.CLEAN;
  }

  private static String rootCause(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.getMessage() == null ? cause.toString() : cause.getMessage();
  }

  private ServerCertificate files() {
    try {
      return CertificateFiles.load(certificateFile.value(), keyFile.value(), Ticker.systemTicker());
    } catch (IOException e) {
      throw new UsageException(e.getMessage(), e);
    }
  }

  private ServerCertificate selfManagedCertificate(KubernetesClient kubernetes) {
    String service = this.service.value();
    int dot = service.indexOf('.');
    if (dot <= 0 || dot == service.length() - 1) {
      throw new UsageException("--service must be NAME.NAMESPACE, not " + service);
    }
    String name = service.substring(0, dot);
    String namespace = service.substring(dot + 1);
    SelfManagedCertificate.Issued issued =
        SelfManagedCertificate.issue(
            List.of(service + ".svc", name + "." + namespace, service + ".svc.cluster.local"),
            Clock.systemUTC());
    CaBundlePublisher publisher =
        new CaBundlePublisher(kubernetes, webhookConfiguration.value(), Clock.systemUTC());
    try {
      publisher.publish(issued.ca());
    } catch (RuntimeException e) {
      throw new UsageException(
          "cannot add the CA to the caBundle of mutatingwebhookconfiguration "
              + webhookConfiguration.value()
              + ": "
              + rootCause(e),
          e);
    }
    ScheduledExecutorService republish =
        Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("ca-bundle"));
    republish.scheduleWithFixedDelay(
        () -> {
          try {
            publisher.publish(issued.ca());
          } catch (RuntimeException e) {
            log.warn(
                "cannot check the caBundle of {}: {}",
                webhookConfiguration.value(),
                e.getMessage());
          }
        },
        REPUBLISH.toSeconds(),
        REPUBLISH.toSeconds(),
        TimeUnit.SECONDS);
    return ServerCertificate.fixed(issued.server());
  }
}
