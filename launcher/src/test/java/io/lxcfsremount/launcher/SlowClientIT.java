package io.lxcfsremount.launcher;

import static io.lxcfsremount.core.testing.RealEnvironment.Need.LXCFS;
import static org.assertj.core.api.Assertions.assertThat;

import io.lxcfsremount.core.testing.LxcfsProcess;
import io.lxcfsremount.core.testing.RequiresReal;
import io.lxcfsremount.core.testing.StandInContainer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The DaemonSet serves HTTP on the pod IP: any client on the network may connect and stall. One
 * that sends a byte and nothing more must not hold up the probes and the scrapes of others.
 */
@RequiresReal(LXCFS)
class SlowClientIT {

  @Test
  void watch_aClientThatSendsOneByteAndWaits_doesNotHoldUpHealthzOrMetrics_andIsLetGo()
      throws Exception {
    try (LxcfsProcess lxcfs = LxcfsProcess.start();
        StandInContainer standIn = StandInContainer.start(lxcfs, "private");
        WatchProcess watch =
            WatchProcess.startDeployed(
                "--runtime",
                "proc",
                "--lxcfs-dir",
                lxcfs.dir().toString(),
                "--container",
                Long.toString(standIn.pid()));
        Socket slow = new Socket("127.0.0.1", watch.port())) {
      OutputStream out = slow.getOutputStream();
      out.write("G".getBytes(StandardCharsets.US_ASCII));
      out.flush();

      for (int i = 0; i < 3; i++) {
        assertThat(watch.get("/healthz").statusCode()).as(watch.diagnostics()).isEqualTo(200);
        assertThat(watch.get("/metrics").body()).contains("lxcfs_remount_lxcfs_up");
      }
      assertThat(endsWithin30s(slow)).as("the slow client's connection was closed").isTrue();
      assertThat(watch.get("/healthz").statusCode()).isEqualTo(200);
    }
  }

  /** Whether the server closed the connection: EOF or a reset, not silence for 30 s. */
  private static boolean endsWithin30s(Socket slow) throws IOException {
    slow.setSoTimeout(30_000);
    InputStream in = slow.getInputStream();
    try {
      while (in.read() >= 0) {
        // An error answer is fine too; what counts is that the connection ends.
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }
}
