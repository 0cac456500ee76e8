#pragma once

#include "core/result.h"

#include <QString>

namespace Curtain::Kube {

// An API server URL as a kubeconfig `server:` or `--server` gives it, checked before any credential
// is sent to it: http or https, a host, the port kept, a path prefix at most (as behind a proxy),
// nothing else. Returns the URL normalised (no trailing slash), or the problem to put after the
// URL in a message: `server "8080" has no scheme; write it as https://HOST:PORT`.
Core::Result<QString> parseServerUrl(const QString &text);

// What to tell the user before talking to `url` (normalised): plain http to another machine sends
// the token and every object unencrypted. Empty for https and for this machine (loopback).
QString plainHttpWarning(const QString &url);

// The server URL as it may be shown (in an error, a log): user name and password, if any, are
// replaced by "***", so a password typed into a URL never reaches a terminal or a CI log.
QString shownServerUrl(const QString &text);

} // namespace Curtain::Kube
