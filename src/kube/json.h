#pragma once

// The one place the client side includes nlohmann_json, with the small readers every kube and
// adapter file needs. Kubernetes leaves zero values out (omitempty), so every reader has a default.
// None of them throws: server data is untrusted, and a wrong type must become a named problem.
#include <nlohmann/json.hpp>

#include <QString>

#include <limits>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace Curtain::Kube {

using Json = nlohmann::json;

inline QString toQString(const std::string &s)
{
    return QString::fromStdString(s);
}

// Reads a string at a JSON pointer such as "/metadata/name"; missing or non-string gives `fallback`.
QString stringAt(const Json &object, const char *pointer, const QString &fallback = {});
// An integer at a pointer; missing, non-integer or outside the range of long long gives `fallback`.
long long intAt(const Json &object, const char *pointer, long long fallback = 0);
QString label(const Json &object, const QString &key);
QString annotation(const Json &object, const QString &key);
QString objectName(const Json &object);
QString objectNamespace(const Json &object);
QString resourceVersion(const Json &object);

// Whether `value` nests objects and arrays deeper than `limit` levels, found without recursion:
// copying or comparing such a value recurses once per level and can exhaust the stack.
bool nestedDeeperThan(const Json &value, std::size_t limit);

// "a string", "an integer", "an object"…: how a problem names the type it found.
QString jsonTypeName(const Json &value);

// Typed, non-throwing reads of one object's fields, for code that must tell "absent" (the default
// applies, as Kubernetes omits zero values) from "present but wrong" (a problem). A wrong type
// reads as the default and records a problem naming the field's path, e.g.
//   "spec.rules[0].backendRefs[0].weight is a string, expected an integer";
// every Reader derived from the same root shares the record and keeps the first problem, so a
// caller reads everything it needs and checks problem() once. null counts as absent.
//
//   Kube::Reader route(object);
//   for (const Kube::Reader &ref : route.field("spec").field("rules").item(0).field("backendRefs").items())
//       weight = ref.field("weight").integer(1, 0, 1000000);
//   if (!route.ok()) … route.problem() …
class Reader
{
public:
    explicit Reader(const Json &root);

    // A member of an object (absent when this is absent; a problem when this is not an object).
    Reader field(std::string_view key) const;
    // An element of an array (absent past the end; a problem when this is not an array).
    Reader item(std::size_t index) const;
    // Every element of an array (none when absent; a problem when this is not an array).
    std::vector<Reader> items() const;
    // Every member of an object, in key order (none when absent; a problem when not an object).
    std::vector<std::pair<std::string, Reader>> members() const;

    bool exists() const { return m_value && !m_value->is_null(); }
    bool isObject() const { return m_value && m_value->is_object(); }
    bool isArray() const { return m_value && m_value->is_array(); }
    bool isString() const { return m_value && m_value->is_string(); }
    // The raw value (nullptr when absent), for copying a part of the object into a patch.
    const Json *json() const { return exists() ? m_value : nullptr; }
    // The field's path as users read it: "spec.http[0].route".
    QString path() const;

    // An integer within [min, max]; a fraction, a string or a number out of range is a problem.
    long long integer(long long fallback = 0, long long min = std::numeric_limits<long long>::min(),
                      long long max = std::numeric_limits<long long>::max()) const;
    std::optional<long long> optionalInteger(long long min = std::numeric_limits<long long>::min(),
                                             long long max = std::numeric_limits<long long>::max()) const;
    double number(double fallback = 0) const;
    QString string(const QString &fallback = {}) const;
    std::string stdString(const std::string &fallback = {}) const;
    bool boolean(bool fallback = false) const;
    // An integer or a string of one as text (Argo's IntOrString fields); other types are a problem.
    QString scalarText() const;

    // Records a problem about this field in the adapter's own words: "<path> <message>".
    void fail(const QString &message) const;
    bool ok() const { return m_state->problem.isEmpty(); }
    QString problem() const { return m_state->problem; }

private:
    struct State
    {
        QString problem;
    };
    Reader(const Json *value, QString path, std::shared_ptr<State> state);
    bool expect(bool matches, const char *expected) const;

    const Json *m_value = nullptr;
    QString m_path;
    std::shared_ptr<State> m_state;
};

} // namespace Curtain::Kube
