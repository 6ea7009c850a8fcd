/** /proc as the agent reads it: processes, their mount namespaces, and the lxcfs process. */
package io.lxcfsremount.core.proc;
