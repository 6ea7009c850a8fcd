/** What a pass found and did, per container and per mount, as plain values for the reports. */
package io.lxcfsremount.core.report;
