#pragma once

#include "core/result.h"
#include "kube/json.h"

#include <QByteArray>
#include <QString>

#include <string>

// A flagd flag file as text (JSON or YAML, as flagd reads either): parsed to read it, and edited in
// place to write it, so that a file a person or a pipeline wrote keeps every other byte, comment and
// indentation as it was.
namespace Curtain::Adapters::Flagd {

enum class FileFormat { Json, Yaml };

// The format a file is in: by its name (.json, .yaml, .yml), else by its first character.
FileFormat fileFormatOf(const QString &fileName, const QByteArray &text);

// The file's one document, or an error naming `origin`, the line and what is wrong.
Core::Result<Kube::Json> parseFlagFile(const QByteArray &text, FileFormat format, const QString &origin);

// The text of `original`, edited so that it reads as `intended`: each number that differs, all of
// them under the JSON pointer `within`, is rewritten where it stands. Anything else that differs (a
// key or a bucket added or removed, a string changed, a change outside `within`) cannot be written
// in place and is refused, as is an edit whose result does not read back as `intended`.
Core::Result<QByteArray> editInPlace(const QByteArray &original, FileFormat format, const Kube::Json &intended,
                                     const std::string &within, const QString &origin);

// The value at an RFC 6901 JSON pointer, or nullptr where there is none; never throws.
Kube::Json *valueAt(Kube::Json &document, const std::string &pointer);
const Kube::Json *valueAt(const Kube::Json &document, const std::string &pointer);

} // namespace Curtain::Adapters::Flagd
