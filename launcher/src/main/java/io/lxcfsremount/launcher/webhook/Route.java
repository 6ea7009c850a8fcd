package io.lxcfsremount.launcher.webhook;

/**
 * How a pod reached the webhook. The MutatingWebhookConfiguration has two webhooks: one for pods of
 * namespaces labelled {@code lxcfs-admission-webhook: enabled}, one for every other namespace. The
 * API server tells the webhook which by the path it calls, since nothing in an AdmissionReview
 * carries the namespace's labels.
 */
public enum Route {
  /** Pods of any namespace not labelled: injected when the pod asks for it. */
  ANNOTATED_PODS("/mutate"),
  /** Pods of a labelled namespace: injected unless the pod opts out. */
  NAMESPACE_PODS("/mutate-namespace");

  private final String path;

  Route(String path) {
    this.path = path;
  }

  public String path() {
    return path;
  }
}
