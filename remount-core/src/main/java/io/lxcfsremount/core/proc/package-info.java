/**
 * /proc as the agent reads it: processes, their mount namespaces, the lxcfs process, and the
 * containers their cgroups name (init PIDs without asking a runtime about each container).
 */
package io.lxcfsremount.core.proc;
