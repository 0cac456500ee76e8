#pragma once

#include "core/result.h"
#include "kube/json.h"

#include <QByteArray>
#include <QString>

#include <vector>

namespace Curtain::Kube {

// Kubernetes objects from YAML or JSON text as kubectl reads a file: several `---` documents, and
// `kind: List` (or any *List) flattened into its items. Unquoted scalars become numbers and
// booleans as YAML 1.1 reads them; quoted ones stay strings. `origin` names the file in errors.
Core::Result<std::vector<Json>> parseObjects(const QByteArray &text, const QString &origin);

} // namespace Curtain::Kube
