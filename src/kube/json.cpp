#include "kube/json.h"

#include "core/nesting.h"

// The only file on the client side allowed the throwing nlohmann accessors (scripts/check-json-readers):
// each use below is guarded by a type or range check first, and the pointer lookups by a catch.

namespace Curtain::Kube {

namespace {

const Json *at(const Json &object, const char *pointer)
{
    try {
        const Json::json_pointer ptr(pointer);
        if (!object.contains(ptr)) {
            return nullptr;
        }
        return &object.at(ptr);
    } catch (const Json::exception &) {
        return nullptr;
    }
}

QString mapValue(const Json &object, const char *mapPointer, const QString &key)
{
    const Json *map = at(object, mapPointer);
    if (!map || !map->is_object()) {
        return {};
    }
    const auto it = map->find(key.toStdString());
    if (it == map->end() || !it->is_string()) {
        return {};
    }
    return toQString(it->get<std::string>());
}

// An integer JSON value as long long, when it fits (2^63 arrives as an unsigned and does not).
std::optional<long long> fittingInteger(const Json &value)
{
    if (value.is_number_unsigned()) {
        const auto u = value.get<std::uint64_t>();
        return u <= std::uint64_t(std::numeric_limits<long long>::max()) ? std::optional<long long>(u) : std::nullopt;
    }
    if (value.is_number_integer()) {
        return value.get<long long>();
    }
    return std::nullopt;
}

QString shortText(const Json &value)
{
    std::string text = value.is_string() ? value.get<std::string>() : value.dump();
    if (text.size() > 40) {
        text = text.substr(0, 40) + "…";
    }
    return toQString(text);
}

} // namespace

QString stringAt(const Json &object, const char *pointer, const QString &fallback)
{
    const Json *value = at(object, pointer);
    return value && value->is_string() ? toQString(value->get<std::string>()) : fallback;
}

long long intAt(const Json &object, const char *pointer, long long fallback)
{
    const Json *value = at(object, pointer);
    return value ? fittingInteger(*value).value_or(fallback) : fallback;
}

QString label(const Json &object, const QString &key)
{
    return mapValue(object, "/metadata/labels", key);
}

QString annotation(const Json &object, const QString &key)
{
    return mapValue(object, "/metadata/annotations", key);
}

QString objectName(const Json &object)
{
    return stringAt(object, "/metadata/name");
}

QString objectNamespace(const Json &object)
{
    return stringAt(object, "/metadata/namespace");
}

QString resourceVersion(const Json &object)
{
    return stringAt(object, "/metadata/resourceVersion");
}

bool nestedDeeperThan(const Json &value, std::size_t limit)
{
    return Core::nestedDeeperThan(value, limit);
}

QString jsonTypeName(const Json &value)
{
    switch (value.type()) {
    case Json::value_t::null:
        return QStringLiteral("null");
    case Json::value_t::object:
        return QStringLiteral("an object");
    case Json::value_t::array:
        return QStringLiteral("an array");
    case Json::value_t::string:
        return QStringLiteral("a string");
    case Json::value_t::boolean:
        return QStringLiteral("a boolean");
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
        return QStringLiteral("an integer");
    case Json::value_t::number_float:
        return QStringLiteral("a number with a fraction");
    case Json::value_t::binary:
    case Json::value_t::discarded:
        break;
    }
    return QStringLiteral("not JSON");
}

Reader::Reader(const Json &root) : m_value(&root), m_state(std::make_shared<State>())
{}

Reader::Reader(const Json *value, QString path, std::shared_ptr<State> state)
    : m_value(value), m_path(std::move(path)), m_state(std::move(state))
{}

QString Reader::path() const
{
    return m_path.isEmpty() ? QStringLiteral("the object") : m_path;
}

void Reader::fail(const QString &message) const
{
    if (m_state->problem.isEmpty()) {
        m_state->problem = path() + QLatin1Char(' ') + message;
    }
}

bool Reader::expect(bool matches, const char *expected) const
{
    if (!exists()) {
        return false;
    }
    if (!matches) {
        fail(QStringLiteral("is %1, expected %2").arg(jsonTypeName(*m_value), QLatin1String(expected)));
    }
    return matches;
}

Reader Reader::field(std::string_view key) const
{
    const QString name = QString::fromUtf8(key.data(), qsizetype(key.size()));
    const bool plain = !name.contains(QLatin1Char('.')) && !name.contains(QLatin1Char('/'));
    QString childPath = plain ? (m_path.isEmpty() ? name : m_path + QLatin1Char('.') + name)
                              : m_path + QStringLiteral("[\"") + name + QStringLiteral("\"]");
    const Json *child = nullptr;
    if (expect(isObject(), "an object")) {
        const auto it = m_value->find(std::string(key));
        child = it == m_value->end() ? nullptr : &*it;
    }
    return Reader(child, std::move(childPath), m_state);
}

Reader Reader::item(std::size_t index) const
{
    QString childPath = m_path + QLatin1Char('[') + QString::number(index) + QLatin1Char(']');
    const Json *child = nullptr;
    if (expect(isArray(), "an array") && index < m_value->size()) {
        child = &(*m_value)[index];
    }
    return Reader(child, std::move(childPath), m_state);
}

std::vector<Reader> Reader::items() const
{
    std::vector<Reader> list;
    if (expect(isArray(), "an array")) {
        list.reserve(m_value->size());
        for (std::size_t i = 0; i < m_value->size(); ++i) {
            list.push_back(item(i));
        }
    }
    return list;
}

std::vector<std::pair<std::string, Reader>> Reader::members() const
{
    std::vector<std::pair<std::string, Reader>> list;
    if (expect(isObject(), "an object")) {
        for (auto it = m_value->begin(); it != m_value->end(); ++it) {
            list.emplace_back(it.key(), field(it.key()));
        }
    }
    return list;
}

std::optional<long long> Reader::optionalInteger(long long min, long long max) const
{
    if (!expect(m_value && m_value->is_number(), "an integer")) {
        return std::nullopt;
    }
    const std::optional<long long> value = fittingInteger(*m_value);
    if (!value || *value < min || *value > max) {
        const QString range = min == std::numeric_limits<long long>::min() ? QStringLiteral("at most %1").arg(max)
                              : max == std::numeric_limits<long long>::max()
                                  ? QStringLiteral("at least %1").arg(min)
                                  : QStringLiteral("from %1 to %2").arg(min).arg(max);
        fail(QStringLiteral("is %1, expected a whole number %2").arg(shortText(*m_value), range));
        return std::nullopt;
    }
    return value;
}

long long Reader::integer(long long fallback, long long min, long long max) const
{
    return optionalInteger(min, max).value_or(fallback);
}

double Reader::number(double fallback) const
{
    return expect(m_value && m_value->is_number(), "a number") ? m_value->get<double>() : fallback;
}

QString Reader::string(const QString &fallback) const
{
    return expect(isString(), "a string") ? toQString(m_value->get<std::string>()) : fallback;
}

std::string Reader::stdString(const std::string &fallback) const
{
    return expect(isString(), "a string") ? m_value->get<std::string>() : fallback;
}

bool Reader::boolean(bool fallback) const
{
    return expect(m_value && m_value->is_boolean(), "a boolean") ? m_value->get<bool>() : fallback;
}

QString Reader::scalarText() const
{
    if (!expect(m_value && (m_value->is_string() || m_value->is_number()), "an integer or a string")) {
        return {};
    }
    if (m_value->is_string()) {
        return toQString(m_value->get<std::string>());
    }
    if (const auto whole = fittingInteger(*m_value)) {
        return QString::number(*whole);
    }
    return QString::number(m_value->get<double>());
}

} // namespace Curtain::Kube
