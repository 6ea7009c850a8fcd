package io.lxcfsremount.launcher.agent;

import io.lxcfsremount.core.lxcfs.Lxcfs;
import io.lxcfsremount.core.mount.Device;
import io.lxcfsremount.core.report.ReconcileReport;
import io.lxcfsremount.core.watch.WatchListener;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Tells every listener, each in isolation: one that fails never stops the others or a repair. */
public final class Listeners implements WatchListener {
  private static final Logger log = LoggerFactory.getLogger(Listeners.class);

  private final List<WatchListener> listeners;

  public Listeners(List<WatchListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  @Override
  public void woke() {
    each(WatchListener::woke);
  }

  @Override
  public void asleep() {
    each(WatchListener::asleep);
  }

  @Override
  public void lxcfsObserved(Optional<Lxcfs> lxcfs) {
    each(l -> l.lxcfsObserved(lxcfs));
  }

  @Override
  public void generationChanged(Device from, Device to) {
    each(l -> l.generationChanged(from, to));
  }

  @Override
  public void passCompleted(ReconcileReport report, Duration recovery) {
    each(l -> l.passCompleted(report, recovery));
  }

  @Override
  public void passFailed(Exception cause) {
    each(l -> l.passFailed(cause));
  }

  private void each(Consumer<WatchListener> call) {
    for (WatchListener listener : listeners) {
      try {
        call.accept(listener);
      } catch (RuntimeException e) {
        log.warn("{} failed: {}", listener.getClass().getSimpleName(), e.toString());
      }
    }
  }
}
