/** A pass's report for people ({@code --output table}) and for programs ({@code --output json}). */
package io.lxcfsremount.launcher.report;
