/**
 * Where containers come from, as core sees them: a {@link io.lxcfsremount.core.runtime.Container}
 * (id, name, init PID, pod, the binds it was created with), the {@link
 * io.lxcfsremount.core.runtime.ContainerRuntime} that lists them, how a runtime module offers one
 * ({@link io.lxcfsremount.core.runtime.RuntimeProvider}), and the bounded calls to runtimes that
 * may not answer ({@link io.lxcfsremount.core.runtime.RuntimeCalls}). Docker and CRI live in their
 * own modules; core depends on neither.
 */
package io.lxcfsremount.core.runtime;
