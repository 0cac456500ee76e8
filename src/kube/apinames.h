#pragma once

#include <QString>

namespace Curtain::Kube {

// Names as the API server accepts them, checked before they go into a URL path, and the escaping
// that keeps any name a single path segment. The checks return why a name is not valid, or an
// empty string; the message reads after the name ("\"Demo Shop\" is not a valid namespace: …").

// A namespace: a DNS-1123 label (at most 63 lower-case letters, digits and '-').
QString namespaceProblem(const QString &name);
// An object name: a DNS-1123 subdomain (at most 253; labels joined by '.').
QString objectNameProblem(const QString &name);
// A release: its curtain.dev/release label value (which may hold upper case and '_') or its
// route's object name, so at most 253 letters, digits, '-', '_' and '.'.
QString releaseNameProblem(const QString &name);

// `segment` percent-encoded, so that it stays one segment of a URL path whatever it holds: no '/',
// '?', '#', '%', space or control character survives unescaped.
QString pathSegment(const QString &segment);

} // namespace Curtain::Kube
