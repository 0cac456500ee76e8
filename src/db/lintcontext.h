#pragma once

#include "db/sqllint.h"

#include <QSet>
#include <QString>

#include <nlohmann/json.hpp>

// What the linter's rules share: non-throwing reads of libpg_query's parse tree, and what the file has
// done before the statement being checked. Internal to src/db.
namespace Curtain::Db::Internal {

using json = nlohmann::json;

// The tree is the parser's, but it describes the user's SQL: reads never throw, and a node that is not
// what a rule expects just does not match.
const json *member(const json &node, const char *key);
QString text(const json &node, const char *key);
bool flag(const json &node, const char *key);
const json &list(const json &node, const char *key); // an empty array when absent
// The one node inside a wrapper ({"String": {...}} → the inner object), and its kind.
const json *unwrap(const json &node, QString *kind = nullptr);
// ["String": {"sval": "pg_catalog"}, ...] → "pg_catalog.int4"
QString dottedNames(const json &names);
// A RangeVar as written: "orders", "sales.orders".
QString relationName(const json &rangeVar);
// A type as a user writes it: int4 → integer, with its modifiers ("varchar(255)").
QString typeText(const json &typeName);

struct Statement
{
    const json *node = nullptr; // the statement's own node ({"relation": …} inside "AlterTableStmt")
    QString kind;               // "AlterTableStmt"
    int line = 0, column = 0;
    QString text; // on one line, shortened
};

class LintContext
{
public:
    explicit LintContext(const LintOptions &options) : options(options) {}

    // A finding on the current statement; rules that break the previous version are dropped after a
    // contract.
    void add(const QString &rule, LintRisk risk, const QString &problem, const QString &fix,
             const QString &pgroll = {});
    // Tables created earlier in the same text are new: nothing serves from them yet.
    bool isNew(const QString &table) const;
    void created(const QString &table);
    // A statement that takes a lock other queries queue behind: without lock_timeout it can stall the
    // table for as long as the longest transaction in front of it (named once per text).
    void takesLock(const QString &table);

    const LintOptions options;
    const Statement *current = nullptr;
    int transactionDepth = 0;
    bool lockTimeoutSet = false;
    bool statementTimeoutSet = false;
    QList<LintFinding> findings;

private:
    static QString key(const QString &table);
    QSet<QString> m_created;
    bool m_timeoutsNamed = false;
};

// Checks one statement against every rule that applies to its kind.
void checkStatement(LintContext &context, const Statement &statement);

} // namespace Curtain::Db::Internal
