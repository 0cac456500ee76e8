#include "adapters/flagd/flagfile.h"

#include "kube/inputlimits.h"
#include "kube/yamldocuments.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace Curtain::Adapters::Flagd {

using Kube::Json;

namespace {

Core::Error invalid(const QString &message)
{
    return Core::makeError(Core::ErrorKind::InvalidInput, message);
}

Core::Error refused(const QString &message)
{
    return Core::makeError(Core::ErrorKind::Refused, message);
}

// One number of the file rewritten where it stands.
struct NumberEdit
{
    int offset = 0;
    std::string before;
    std::string after;
};

// JSON escapes a character outside the BMP as two UTF-16 surrogates ("\ud83d\ude00", as Python's
// json.dumps writes an emoji); yaml-cpp refuses them. Only for finding where numbers stand, each
// surrogate escape becomes "\u0041", as long, so every offset stays where it is in the real text.
QByteArray maskSurrogateEscapes(QByteArray text)
{
    for (qsizetype i = 0; i + 5 < text.size(); ++i) {
        if (text[i] != '\\' || text[i + 1] != 'u') {
            continue;
        }
        bool hex = false;
        const uint code = text.mid(i + 2, 4).toUInt(&hex, 16);
        if (hex && code >= 0xD800 && code <= 0xDFFF) {
            text.replace(i + 2, 4, "0041");
        }
    }
    return text;
}

bool continuesNumber(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '+' || c == '-';
}

// The edits that turn `document` into `intended`, or why they cannot be made in place.
Core::Result<std::vector<NumberEdit>> numberEdits(const Json &document, const Json &intended,
                                                  const Kube::ScalarOffsets &offsets, const QString &origin)
{
    std::vector<NumberEdit> edits;
    const Json operations = Json::diff(document, intended);
    for (const Kube::Reader &operation : Kube::Reader(operations).items()) {
        const std::string path = operation.field("path").stdString();
        const Json *before = valueAt(document, path);
        const Json *after = operation.field("value").json();
        const auto found = offsets.find(path);
        const bool numbers = operation.field("op").stdString() == "replace" && before && after &&
                             before->is_number_integer() && after->is_number_integer();
        if (numbers && found == offsets.end()) {
            return refused(QStringLiteral("%1: the weight at %2 is not written where it is used (a YAML alias or merge "
                                          "key brings it from elsewhere, so rewriting it would change every place "
                                          "that uses it); write the number itself in both colors' buckets")
                               .arg(origin, QString::fromStdString(path)));
        }
        if (!numbers || found == offsets.end()) {
            return refused(QStringLiteral("%1: the change at %2 is not a number rewritten in place; Curtain edits only "
                                          "the weights of a file a person wrote, so write both colors' buckets as "
                                          "[\"variant\", weight] in it first")
                               .arg(origin, QString::fromStdString(path)));
        }
        edits.push_back({found->second, before->dump(), after->dump()});
    }
    return edits;
}

} // namespace

Json *valueAt(Json &document, const std::string &pointer)
{
    Json *value = &document;
    std::size_t from = 0;
    while (value && from < pointer.size()) {
        if (pointer[from] != '/') {
            return nullptr;
        }
        const std::size_t end = std::min(pointer.find('/', from + 1), pointer.size());
        std::string token = pointer.substr(from + 1, end - from - 1);
        for (std::size_t at = token.find('~'); at != std::string::npos; at = token.find('~', at + 1)) {
            if (at + 1 >= token.size() || (token[at + 1] != '0' && token[at + 1] != '1')) {
                return nullptr;
            }
            token.replace(at, 2, token[at + 1] == '0' ? "~" : "/");
        }
        if (value->is_object()) {
            const auto it = value->find(token);
            value = it == value->end() ? nullptr : &*it;
        } else if (value->is_array() && !token.empty() && token.size() < 10 &&
                   std::all_of(token.begin(), token.end(), [](char c) { return c >= '0' && c <= '9'; })) {
            const std::size_t index = std::stoul(token);
            value = index < value->size() ? &(*value)[index] : nullptr;
        } else {
            value = nullptr;
        }
        from = end;
    }
    return value;
}

const Json *valueAt(const Json &document, const std::string &pointer)
{
    return valueAt(const_cast<Json &>(document), pointer);
}

FileFormat fileFormatOf(const QString &fileName, const QByteArray &text)
{
    const QString name = fileName.toLower();
    if (name.endsWith(QLatin1String(".json"))) {
        return FileFormat::Json;
    }
    if (name.endsWith(QLatin1String(".yaml")) || name.endsWith(QLatin1String(".yml"))) {
        return FileFormat::Yaml;
    }
    return text.trimmed().startsWith('{') ? FileFormat::Json : FileFormat::Yaml;
}

Core::Result<Json> parseFlagFile(const QByteArray &text, FileFormat format, const QString &origin)
{
    Json document;
    if (format == FileFormat::Json) {
        try {
            document = Json::parse(text.toStdString()); // check-json-readers: allow (the try is the boundary)
        } catch (const Json::exception &e) {
            // "[json.exception.parse_error.101] parse error at line 3, column 9: …": keep from "parse error".
            const std::string what = e.what();
            const std::size_t at = what.find("] ");
            return invalid(
                QStringLiteral("%1: not valid JSON: %2")
                    .arg(origin, QString::fromStdString(at == std::string::npos ? what : what.substr(at + 2))));
        }
        if (Kube::nestedDeeperThan(document, Kube::Limits::maxJsonDepth)) {
            return invalid(QStringLiteral("%1: nests objects deeper than %2 levels, the limit for JSON")
                               .arg(origin)
                               .arg(Kube::Limits::maxJsonDepth));
        }
    } else {
        auto documents = Kube::parseYamlDocuments(text, origin);
        if (!documents.ok()) {
            return documents.error();
        }
        if (documents.value().size() != 1) {
            return invalid(QStringLiteral("%1: holds %2 YAML documents; flagd reads one")
                               .arg(origin)
                               .arg(documents.value().size()));
        }
        document = std::move(documents.value()[0]);
    }
    if (!document.is_object()) {
        return invalid(
            QStringLiteral("%1: is %2, not a flagd file ({\"flags\": {…}})").arg(origin, Kube::jsonTypeName(document)));
    }
    return document;
}

Core::Result<QByteArray> editInPlace(const QByteArray &original, FileFormat format, const Json &intended,
                                     const std::string &within, const QString &origin)
{
    const Core::Result<Json> document = parseFlagFile(original, format, origin);
    if (!document.ok()) {
        return document.error();
    }
    // JSON is YAML as well: the YAML reader knows where each scalar stands, in either format. It
    // counts from after a byte-order mark, which the file keeps.
    const QByteArray bom("\xEF\xBB\xBF");
    const qsizetype skipped = original.startsWith(bom) ? bom.size() : 0;
    const QByteArray scanned = original.mid(skipped);
    auto located = Kube::parseYamlWithOffsets(format == FileFormat::Json ? maskSurrogateEscapes(scanned) : scanned,
                                              origin, within);
    if (!located.ok()) {
        return refused(QStringLiteral("%1 cannot be edited in place: %2").arg(origin, located.error().message));
    }
    for (auto &[pointer, offset] : located.value().second) {
        offset += int(skipped);
    }
    Core::Result<std::vector<NumberEdit>> edits =
        numberEdits(document.value(), intended, located.value().second, origin);
    if (!edits.ok()) {
        return edits.error();
    }
    std::sort(edits.value().begin(), edits.value().end(),
              [](const NumberEdit &a, const NumberEdit &b) { return a.offset > b.offset; });
    QByteArray edited = original;
    for (const NumberEdit &edit : edits.value()) {
        const auto size = qsizetype(edit.before.size());
        const bool standsThere = edit.offset >= 0 && edit.offset + size <= edited.size() &&
                                 edited.mid(edit.offset, size) == QByteArray::fromStdString(edit.before) &&
                                 (edit.offset + size == edited.size() || !continuesNumber(edited[edit.offset + size]));
        if (!standsThere) {
            return refused(QStringLiteral("%1 cannot be edited in place: the number %2 is not written as %2 where "
                                          "the file holds it")
                               .arg(origin, QString::fromStdString(edit.before)));
        }
        edited.replace(edit.offset, size, QByteArray::fromStdString(edit.after));
    }
    // The edited text must say exactly what was intended, read as flagd would read it.
    const Core::Result<Json> reread = parseFlagFile(edited, format, origin);
    if (!reread.ok() || reread.value() != intended) {
        return refused(QStringLiteral("%1 cannot be edited in place: the edited file would not read back as intended; "
                                      "nothing was written")
                           .arg(origin));
    }
    return edited;
}

} // namespace Curtain::Adapters::Flagd
