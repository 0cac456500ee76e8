#pragma once

#include <QMap>
#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

#include <initializer_list>
#include <optional>

// How Db::parseMigration reads a file's JSON: typed reads that never throw and name the path of the
// first problem. Internal to src/db.
namespace Curtain::Db::Internal {

using json = nlohmann::json;

// The first problem found, with the path to it: "operations[2].add_column.column.type".
struct Problem
{
    QString path;
    QString text;
};

// Typed, non-throwing reads of one JSON object that refuse what the format's schema refuses:
// unknown fields (the schema's additionalProperties: false), wrong types, missing required fields.
class Fields
{
public:
    Fields(const json &object, QString path, std::optional<Problem> *problem)
        : m_object(object), m_path(std::move(path)), m_problem(problem)
    {
        if (!object.is_object()) {
            fail(m_path, QStringLiteral("is %1, expected a map").arg(typeName(object)));
        }
    }

    bool ok() const { return !m_problem->has_value(); }

    void allow(std::initializer_list<const char *> names)
    {
        if (!m_object.is_object()) {
            return;
        }
        for (auto it = m_object.begin(); it != m_object.end(); ++it) {
            bool known = false;
            for (const char *name : names) {
                known = known || it.key() == name;
            }
            if (!known) {
                fail(at(it.key().c_str()),
                     QStringLiteral("is not a field of %1").arg(m_path.section(QLatin1Char('.'), -1)));
                return;
            }
        }
    }

    QString string(const char *name, bool required = true, const QString &fallback = {})
    {
        const json *value = find(name, required);
        if (!value) {
            return fallback;
        }
        if (!value->is_string()) {
            fail(at(name), QStringLiteral("is %1, expected a string").arg(typeName(*value)));
            return fallback;
        }
        return QString::fromStdString(value->get<std::string>());
    }

    // A name that goes into SQL as an identifier: PostgreSQL keeps 63 bytes of it.
    QString identifier(const char *name, bool required = true)
    {
        const QString text = string(name, required);
        if (ok() && (required || !text.isEmpty())) {
            if (text.isEmpty()) {
                fail(at(name), QStringLiteral("is empty"));
            } else if (text.toUtf8().size() > 63) {
                fail(at(name), QStringLiteral("is longer than PostgreSQL's 63 bytes for a name"));
            } else if (text.contains(QChar(0))) {
                fail(at(name), QStringLiteral("contains a NUL character"));
            }
        }
        return text;
    }

    std::optional<QString> optionalString(const char *name)
    {
        if (!has(name)) {
            return std::nullopt;
        }
        return string(name);
    }

    // Present and null is not the same as absent: `default: null` drops a default.
    std::optional<std::optional<QString>> nullableString(const char *name)
    {
        if (!has(name)) {
            return std::nullopt;
        }
        if (m_object.at(name).is_null()) {
            return std::optional<QString>();
        }
        return std::optional<QString>(string(name));
    }

    bool boolean(const char *name, bool fallback = false)
    {
        const json *value = find(name, false);
        if (!value) {
            return fallback;
        }
        if (!value->is_boolean()) {
            fail(at(name), QStringLiteral("is %1, expected true or false").arg(typeName(*value)));
            return fallback;
        }
        return value->get<bool>();
    }

    std::optional<bool> optionalBoolean(const char *name)
    {
        if (!has(name)) {
            return std::nullopt;
        }
        return boolean(name);
    }

    QString choice(const char *name, std::initializer_list<const char *> allowed, const QString &fallback)
    {
        const QString text = string(name, false, fallback);
        for (const char *option : allowed) {
            if (text == QLatin1String(option)) {
                return text;
            }
        }
        if (ok()) {
            QStringList names;
            for (const char *option : allowed) {
                names << QString::fromLatin1(option);
            }
            fail(at(name), QStringLiteral("is \"%1\", expected one of %2").arg(text, names.join(QStringLiteral(", "))));
        }
        return fallback;
    }

    QStringList strings(const char *name, bool required = true)
    {
        QStringList list;
        const json *value = find(name, required);
        if (!value) {
            return list;
        }
        if (!value->is_array()) {
            fail(at(name), QStringLiteral("is %1, expected a list of names").arg(typeName(*value)));
            return list;
        }
        for (std::size_t i = 0; i < value->size() && ok(); ++i) {
            const json &item = (*value)[i];
            if (!item.is_string()) {
                fail(QStringLiteral("%1[%2]").arg(at(name)).arg(i),
                     QStringLiteral("is %1, expected a string").arg(typeName(item)));
            } else {
                list << QString::fromStdString(item.get<std::string>());
            }
        }
        return list;
    }

    // A map of column → SQL expression (MultiColumnUpSQL / MultiColumnDownSQL).
    QMap<QString, QString> expressions(const char *name, bool required)
    {
        QMap<QString, QString> map;
        const json *value = find(name, required);
        if (!value) {
            return map;
        }
        if (!value->is_object()) {
            fail(at(name), QStringLiteral("is %1, expected a map of column to SQL").arg(typeName(*value)));
            return map;
        }
        for (auto it = value->begin(); it != value->end() && ok(); ++it) {
            if (!it->is_string()) {
                fail(at(name) + QLatin1Char('.') + QString::fromStdString(it.key()),
                     QStringLiteral("is %1, expected SQL text").arg(typeName(*it)));
            } else {
                map.insert(QString::fromStdString(it.key()), QString::fromStdString(it->get<std::string>()));
            }
        }
        return map;
    }

    const json *child(const char *name, bool required) { return find(name, required); }

    bool has(const char *name) const { return m_object.is_object() && m_object.contains(name); }
    QString at(const char *name) const { return m_path + QLatin1Char('.') + QString::fromUtf8(name); }

    void fail(const QString &path, const QString &text)
    {
        if (!m_problem->has_value()) {
            *m_problem = Problem{path, text};
        }
    }

    static QString typeName(const json &value)
    {
        switch (value.type()) {
        case json::value_t::null:
            return QStringLiteral("null");
        case json::value_t::boolean:
            return QStringLiteral("a boolean");
        case json::value_t::string:
            return QStringLiteral("a string");
        case json::value_t::array:
            return QStringLiteral("a list");
        case json::value_t::object:
            return QStringLiteral("a map");
        default:
            return QStringLiteral("a number");
        }
    }

private:
    const json *find(const char *name, bool required)
    {
        if (!ok() || !m_object.is_object()) {
            return nullptr;
        }
        const auto it = m_object.find(name);
        if (it == m_object.end()) {
            if (required) {
                fail(at(name), QStringLiteral("is missing"));
            }
            return nullptr;
        }
        return &*it;
    }

    const json &m_object;
    QString m_path;
    std::optional<Problem> *m_problem;
};

} // namespace Curtain::Db::Internal
