package io.lxcfsremount.core.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class that runs against real things of this machine. Where one is missing the class
 * is skipped with the exact reason, or fails with it when {@code LXCFS_REMOUNT_REQUIRE_E2E=1}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(RealEnvironment.class)
public @interface RequiresReal {
  RealEnvironment.Need[] value();
}
