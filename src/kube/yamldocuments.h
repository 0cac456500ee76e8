#pragma once

#include "core/result.h"
#include "kube/json.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace Curtain::Kube {

// How YAML scalars become JSON. Typed: unquoted ones become numbers and booleans as YAML 1.1 reads
// them, quoted ones stay strings (Kubernetes objects, plans). Text: every scalar stays the text it
// was written as, so `server: 8080` or `token: 0x1F` reach the reader unchanged (kubeconfig).
enum class YamlScalars { Typed, Text };

// Every `---` document of `text` as JSON (null for an empty one), within Limits::maxYamlNodes
// (aliases counted at full size each time they repeat) and Limits::maxYamlDepth. Errors name
// `origin`, the line and the limit. Never loops: a parser that stops advancing is an error.
Core::Result<std::vector<Json>> parseYamlDocuments(const QByteArray &text, const QString &origin,
                                                   YamlScalars scalars = YamlScalars::Typed);

// Where each scalar value of a document starts in its text (a byte offset), by JSON pointer
// ("/flags/new-ui/targeting/fractional/1/1"). Keys, and values reached through an alias, have none.
using ScalarOffsets = std::map<std::string, int>;

// One document (YAML or JSON, typed scalars) with the offsets of its scalars under the JSON pointer
// `within` (only there: a file's other parts cost no more than parsing), for editing a value in place
// and leaving every other byte of a file a person wrote as it was.
Core::Result<std::pair<Json, ScalarOffsets>> parseYamlWithOffsets(const QByteArray &text, const QString &origin,
                                                                  const std::string &within);

// Kubernetes objects from YAML or JSON text as kubectl reads a file: several `---` documents, and
// `kind: List` (or any *List) flattened into its items. `origin` names the file in errors.
Core::Result<std::vector<Json>> parseObjects(const QByteArray &text, const QString &origin);

// JSON as block YAML (small maps and lists of scalars in flow style: `pause: {duration: 15m}`), for
// files a person edits; parseYamlDocuments reads it back as the same JSON. The top level's
// `firstKeys` come first, in that order; every other key follows alphabetically.
QByteArray toYaml(const QJsonObject &object, const QStringList &firstKeys = {});

} // namespace Curtain::Kube
