#include "kube/yamldocuments.h"

#include "kube/inputlimits.h"

#include <QJsonArray>
#include <QJsonObject>

#include <yaml-cpp/emitter.h>
#include <yaml-cpp/emittermanip.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/node/convert.h>
#include <yaml-cpp/node/node.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <sstream>
#include <unordered_map>

namespace Curtain::Kube {

namespace {

// Thrown from the event handler to stop the parser at a limit; caught in parseYamlDocuments.
struct Stop
{
    QString message;
    YAML::Mark mark;
};

QString where(const YAML::Mark &mark)
{
    return QStringLiteral("line %1, column %2").arg(mark.line + 1).arg(mark.column + 1);
}

// Unquoted scalars as YAML 1.1 reads them (what kubectl's YAML-to-JSON step does for objects).
Json typedScalar(const std::string &tag, const std::string &text)
{
    if (tag == "!" || tag == "tag:yaml.org,2002:str") { // quoted, or explicitly a string
        return text;
    }
    const YAML::Node node(text);
    long long integer = 0;
    if (YAML::convert<long long>::decode(node, integer)) {
        return integer;
    }
    double number = 0;
    if (text.find_first_of("0123456789") != std::string::npos && YAML::convert<double>::decode(node, number)) {
        return number;
    }
    if (text == "true" || text == "false") {
        return text == "true";
    }
    return text;
}

// yaml-cpp passes a scalar's bytes through as they are, but JSON text is UTF-8 and nlohmann's dump()
// throws on anything else, so a file that is not UTF-8 stops here instead of at its first writer.
bool isUtf8(const std::string &text)
{
    if (std::none_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; })) {
        return true;
    }
    try {
        (void)Json(text).dump();
        return true;
    } catch (const Json::exception &) {
        return false;
    }
}

// Builds JSON straight from the parser's events, so nothing is expanded before it is counted: an
// alias costs the nodes of what it repeats, every time it repeats it.
class JsonBuilder final : public YAML::EventHandler
{
public:
    // With `offsets`, records where each scalar under the JSON pointer `within` stands.
    explicit JsonBuilder(YamlScalars scalars, ScalarOffsets *offsets = nullptr, std::string within = {})
        : m_scalars(scalars), m_offsets(offsets), m_within(std::move(within))
    {}

    void startDocument()
    {
        m_document.reset();
        m_started = false;
    }
    bool started() const { return m_started; }
    const YAML::Mark &documentMark() const { return m_documentMark; }
    Json takeDocument() { return m_document ? std::move(*m_document) : Json(); }

    void OnDocumentStart(const YAML::Mark &mark) override
    {
        m_started = true;
        m_documentMark = mark;
        m_anchors.clear(); // anchors belong to one document
    }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark &mark, YAML::anchor_t anchor) override
    {
        count(mark, 1, 0);
        place(mark, Json(), anchor, 1, 0);
    }
    void OnAlias(const YAML::Mark &mark, YAML::anchor_t anchor) override
    {
        const auto found = m_anchors.find(anchor);
        if (found == m_anchors.end()) {
            throw Stop{QStringLiteral("an alias refers to no anchor"), mark};
        }
        count(mark, found->second.nodes, found->second.bytes); // before copying it
        place(mark, found->second.value, 0, found->second.nodes, found->second.bytes);
    }
    void OnScalar(const YAML::Mark &mark, const std::string &tag, YAML::anchor_t anchor,
                  const std::string &value) override
    {
        count(mark, 1, value.size());
        if (!isUtf8(value)) {
            throw Stop{QStringLiteral("holds text that is not UTF-8; save the file as UTF-8"), mark};
        }
        // A key is text whatever it looks like: JSON keys are strings.
        const bool text = m_scalars == YamlScalars::Text || expectingKey();
        if (m_offsets && !expectingKey()) {
            recordOffset(mark);
        }
        place(mark, text ? Json(value) : typedScalar(tag, value), anchor, 1, value.size());
    }
    void OnSequenceStart(const YAML::Mark &mark, const std::string &, YAML::anchor_t anchor,
                         YAML::EmitterStyle::value) override
    {
        open(mark, Json::array(), anchor);
    }
    void OnSequenceEnd() override { close(); }
    void OnMapStart(const YAML::Mark &mark, const std::string &, YAML::anchor_t anchor,
                    YAML::EmitterStyle::value) override
    {
        open(mark, Json::object(), anchor);
    }
    void OnMapEnd() override { close(); }

private:
    struct Open
    {
        Json value;
        YAML::anchor_t anchor = 0;
        std::size_t nodesBefore = 0;
        std::size_t bytesBefore = 0;
        std::optional<std::string> key; // a map's key, waiting for its value
        YAML::Mark mark;
        std::size_t pointerBefore = 0; // m_pointer's length before this container's token
    };
    struct Anchored
    {
        Json value;
        std::size_t nodes = 0;
        std::size_t bytes = 0;
    };

    bool expectingKey() const { return !m_open.empty() && m_open.back().value.is_object() && !m_open.back().key; }

    // "/" and the token of the value about to be placed in the innermost container (RFC 6901:
    // "~" → "~0", "/" → "~1"); empty at the top.
    std::string tokenHere() const
    {
        if (m_open.empty()) {
            return {};
        }
        const Open &open = m_open.back();
        if (open.value.is_array()) {
            return "/" + std::to_string(open.value.size());
        }
        std::string token = "/";
        for (const char c : open.key.value_or(std::string())) {
            token += c == '~' ? std::string("~0") : c == '/' ? std::string("~1") : std::string(1, c);
        }
        return token;
    }

    // Whether the container at m_pointer may hold values under m_within (one is a prefix of the
    // other): the only places whose pointers are spelled out, so a deep file costs nothing more.
    bool nearWithin() const
    {
        const std::size_t n = std::min(m_pointer.size(), m_within.size());
        return m_pointer.compare(0, n, m_within, 0, n) == 0;
    }

    void recordOffset(const YAML::Mark &mark)
    {
        if (!nearWithin()) {
            return;
        }
        std::string pointer = m_pointer + tokenHere();
        if (pointer.compare(0, m_within.size(), m_within) == 0) {
            (*m_offsets)[std::move(pointer)] = mark.pos;
        }
    }

    void count(const YAML::Mark &mark, std::size_t nodes, std::size_t bytes)
    {
        m_nodes += nodes;
        m_bytes += bytes;
        if (m_nodes > Limits::maxYamlNodes) {
            throw Stop{QStringLiteral("expands to more than %1 nodes, the limit for YAML (aliases that repeat "
                                      "aliases?)")
                           .arg(Limits::maxYamlNodes),
                       mark};
        }
        if (m_bytes > Limits::maxYamlTextBytes) {
            throw Stop{QStringLiteral("expands to more than %1 MiB of text, the limit for YAML (aliases that repeat "
                                      "long text?)")
                           .arg(Limits::maxYamlTextBytes / (1024 * 1024)),
                       mark};
        }
    }

    void open(const YAML::Mark &mark, Json container, YAML::anchor_t anchor)
    {
        if (expectingKey()) {
            throw Stop{QStringLiteral("a key is a map or a list, expected text"), mark};
        }
        if (int(m_open.size()) >= Limits::maxYamlDepth) {
            throw Stop{QStringLiteral("nests maps and lists deeper than %1 levels, the limit for YAML")
                           .arg(Limits::maxYamlDepth),
                       mark};
        }
        const std::size_t before = m_nodes;
        const std::size_t bytesBefore = m_bytes;
        count(mark, 1, 0);
        const std::size_t pointerBefore = m_pointer.size();
        if (m_offsets && nearWithin()) {
            m_pointer += tokenHere();
        } else if (m_offsets) {
            m_pointer += "/~"; // far from m_within: a token no pointer has keeps it far, cheaply
        }
        m_open.push_back({std::move(container), anchor, before, bytesBefore, std::nullopt, mark, pointerBefore});
    }

    void close()
    {
        Open done = std::move(m_open.back());
        m_open.pop_back();
        m_pointer.resize(done.pointerBefore);
        place(done.mark, std::move(done.value), done.anchor, m_nodes - done.nodesBefore, m_bytes - done.bytesBefore);
    }

    void place(const YAML::Mark &mark, Json value, YAML::anchor_t anchor, std::size_t nodes, std::size_t bytes)
    {
        if (anchor != 0) {
            m_anchors[anchor] = {value, nodes, bytes};
        }
        if (m_open.empty()) {
            m_document = std::move(value);
            return;
        }
        Open &parent = m_open.back();
        if (parent.value.is_array()) {
            parent.value.push_back(std::move(value));
        } else if (!parent.key) {
            if (value.is_structured()) {
                throw Stop{QStringLiteral("a key is a map or a list, expected text"), mark};
            }
            const auto *text = value.get_ptr<const std::string *>();
            parent.key = text ? *text : value.dump(); // an alias of a number: its text
        } else {
            parent.value[*parent.key] = std::move(value);
            parent.key.reset();
        }
    }

    YamlScalars m_scalars;
    ScalarOffsets *m_offsets = nullptr;
    std::string m_within;
    std::string m_pointer; // of the innermost open container, while offsets are recorded
    std::vector<Open> m_open;
    std::unordered_map<YAML::anchor_t, Anchored> m_anchors;
    std::size_t m_nodes = 0; // across all documents: they share one budget
    std::size_t m_bytes = 0;
    std::optional<Json> m_document;
    bool m_started = false;
    YAML::Mark m_documentMark;
};

Core::Error yamlError(const QString &origin, const QString &problem, const YAML::Mark &mark)
{
    return Core::makeError(Core::ErrorKind::InvalidInput,
                           QStringLiteral("%1: %2 (%3)").arg(origin, problem, where(mark)));
}

Core::Result<std::vector<Json>> parseDocuments(const QByteArray &text, const QString &origin, YamlScalars scalars,
                                               ScalarOffsets *offsets, const std::string &within);

} // namespace

Core::Result<std::vector<Json>> parseYamlDocuments(const QByteArray &text, const QString &origin, YamlScalars scalars)
{
    return parseDocuments(text, origin, scalars, nullptr, {});
}

Core::Result<std::pair<Json, ScalarOffsets>> parseYamlWithOffsets(const QByteArray &text, const QString &origin,
                                                                  const std::string &within)
{
    ScalarOffsets offsets;
    auto documents = parseDocuments(text, origin, YamlScalars::Typed, &offsets, within);
    if (!documents.ok()) {
        return documents.error();
    }
    if (documents.value().size() != 1) {
        return Core::makeError(
            Core::ErrorKind::InvalidInput,
            QStringLiteral("%1: holds %2 YAML documents, expected one").arg(origin).arg(documents.value().size()));
    }
    return std::pair{std::move(documents.value()[0]), std::move(offsets)};
}

namespace {

Core::Result<std::vector<Json>> parseDocuments(const QByteArray &text, const QString &origin, YamlScalars scalars,
                                               ScalarOffsets *offsets, const std::string &within)
{
    std::vector<Json> documents;
    std::istringstream input(text.toStdString());
    YAML::Parser parser(input);
    JsonBuilder builder(scalars, offsets, within);
    int previousStart = -1;
    try {
        for (;;) {
            builder.startDocument();
            if (!parser.HandleNextDocument(builder)) {
                break;
            }
            // yaml-cpp 0.7 (YAML::LoadAll) reports the same empty document forever on some invalid
            // input such as ",:": a document must start past the previous one.
            if (!builder.started() || builder.documentMark().pos <= previousStart) {
                return yamlError(origin, QStringLiteral("not valid YAML: the parser stopped advancing"),
                                 builder.documentMark());
            }
            previousStart = builder.documentMark().pos;
            documents.push_back(builder.takeDocument());
        }
    } catch (const Stop &stop) {
        return yamlError(origin, stop.message, stop.mark);
    } catch (const YAML::Exception &e) {
        return yamlError(origin, QStringLiteral("not valid YAML or JSON: %1").arg(QString::fromStdString(e.msg)),
                         e.mark);
    }
    return documents;
}

} // namespace

Core::Result<std::vector<Json>> parseObjects(const QByteArray &text, const QString &origin)
{
    auto documents = parseYamlDocuments(text, origin, YamlScalars::Typed);
    if (!documents.ok()) {
        return documents.error();
    }
    std::vector<Json> objects;
    for (Json &document : documents.value()) {
        if (!document.is_object()) {
            continue;
        }
        const QString kind = stringAt(document, "/kind");
        if (kind.endsWith(QLatin1String("List"))) {
            const auto items = document.find("items");
            if (items != document.end() && items->is_array()) {
                for (Json &item : *items) {
                    if (item.is_object()) {
                        objects.push_back(std::move(item));
                    }
                }
            }
        } else {
            objects.push_back(std::move(document));
        }
    }
    return objects;
}

} // namespace Curtain::Kube

namespace Curtain::Kube {

namespace {

bool isScalar(const QJsonValue &value)
{
    return !value.isObject() && !value.isArray();
}

void emit(YAML::Emitter &out, const QJsonValue &value, bool listItem = false, const QStringList &firstKeys = {})
{
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        // `- setWeight: 5` as a list item, `pause: {duration: 15m}` as a value.
        const bool small = !listItem && object.size() <= 2 && std::all_of(object.begin(), object.end(), isScalar);
        out << (small ? YAML::Flow : YAML::Block) << YAML::BeginMap;
        QStringList keys = firstKeys;
        keys.removeIf([&object](const QString &key) { return !object.contains(key); });
        for (const QString &key : object.keys()) {
            if (!keys.contains(key)) {
                keys << key;
            }
        }
        for (const QString &key : keys) {
            out << YAML::Key << key.toStdString() << YAML::Value;
            emit(out, object.value(key));
        }
        out << YAML::EndMap;
    } else if (value.isArray()) {
        const QJsonArray array = value.toArray();
        out << (std::all_of(array.begin(), array.end(), isScalar) ? YAML::Flow : YAML::Block) << YAML::BeginSeq;
        for (const QJsonValue &item : array) {
            emit(out, item, true);
        }
        out << YAML::EndSeq;
    } else if (value.isString()) {
        out << value.toString().toStdString();
    } else if (value.isBool()) {
        out << value.toBool();
    } else if (value.isDouble() && value.toDouble() == std::floor(value.toDouble()) &&
               std::abs(value.toDouble()) < 1e15) {
        out << static_cast<long long>(value.toDouble());
    } else if (value.isDouble()) {
        out << value.toDouble();
    } else {
        out << YAML::Null;
    }
}

} // namespace

QByteArray toYaml(const QJsonObject &object, const QStringList &firstKeys)
{
    YAML::Emitter out;
    out.SetDoublePrecision(15);
    out.SetNullFormat(YAML::LowerNull);
    emit(out, object, false, firstKeys);
    return QByteArray(out.c_str(), qsizetype(out.size())) + '\n';
}

} // namespace Curtain::Kube
