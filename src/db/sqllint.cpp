#include "db/sqllint.h"

#include "db/lintcontext.h"

#include <pg_query.h>

#include <QRegularExpression>

namespace Curtain::Db {

using namespace Internal;

namespace Internal {

const json *member(const json &node, const char *key)
{
    if (!node.is_object()) {
        return nullptr;
    }
    const auto it = node.find(key);
    return it == node.end() ? nullptr : &*it;
}

QString text(const json &node, const char *key)
{
    const json *value = member(node, key);
    return value && value->is_string() ? QString::fromStdString(value->get_ref<const std::string &>()) : QString();
}

bool flag(const json &node, const char *key)
{
    const json *value = member(node, key);
    return value && value->is_boolean() && value->get<bool>();
}

const json &list(const json &node, const char *key)
{
    static const json empty = json::array();
    const json *value = member(node, key);
    return value && value->is_array() ? *value : empty;
}

const json *unwrap(const json &node, QString *kind)
{
    if (!node.is_object() || node.size() != 1 || !node.begin().value().is_object()) {
        return nullptr;
    }
    if (kind) {
        *kind = QString::fromStdString(node.begin().key());
    }
    return &node.begin().value();
}

QString dottedNames(const json &names)
{
    QStringList parts;
    if (names.is_array()) {
        for (const json &name : names) {
            if (const json *string = unwrap(name)) {
                parts << text(*string, "sval");
            }
        }
    }
    return parts.join(QLatin1Char('.'));
}

QString relationName(const json &rangeVar)
{
    const QString schema = text(rangeVar, "schemaname");
    const QString table = text(rangeVar, "relname");
    return schema.isEmpty() ? table : schema + QLatin1Char('.') + table;
}

QString typeText(const json &typeName)
{
    QString name = dottedNames(list(typeName, "names"));
    static const QHash<QString, QString> spelled{
        {QStringLiteral("pg_catalog.int2"), QStringLiteral("smallint")},
        {QStringLiteral("pg_catalog.int4"), QStringLiteral("integer")},
        {QStringLiteral("pg_catalog.int8"), QStringLiteral("bigint")},
        {QStringLiteral("pg_catalog.bool"), QStringLiteral("boolean")},
        {QStringLiteral("pg_catalog.float8"), QStringLiteral("double precision")},
        {QStringLiteral("pg_catalog.float4"), QStringLiteral("real")},
        {QStringLiteral("pg_catalog.timestamptz"), QStringLiteral("timestamptz")},
    };
    if (spelled.contains(name)) {
        name = spelled.value(name);
    } else if (name.startsWith(QLatin1String("pg_catalog."))) {
        name = name.mid(11);
    }
    QStringList modifiers;
    for (const json &modifier : list(typeName, "typmods")) {
        const json *constant = member(modifier, "A_Const");
        const json *ival = constant ? member(*constant, "ival") : nullptr;
        const json *number = ival ? member(*ival, "ival") : nullptr;
        modifiers << (number && number->is_number_integer() ? QString::number(number->get<long long>())
                                                            : QStringLiteral("0"));
    }
    return modifiers.isEmpty() ? name : QStringLiteral("%1(%2)").arg(name, modifiers.join(QLatin1Char(',')));
}

QString LintContext::key(const QString &table)
{
    return table.startsWith(QLatin1String("public.")) ? table.mid(7) : table;
}

bool LintContext::isNew(const QString &table) const
{
    return m_created.contains(key(table));
}

void LintContext::created(const QString &table)
{
    m_created.insert(key(table));
}

void LintContext::add(const QString &rule, LintRisk risk, const QString &problem, const QString &fix,
                      const QString &pgroll)
{
    if (options.afterContract && risk == LintRisk::Breaks) {
        return;
    }
    LintFinding finding;
    finding.rule = rule;
    finding.risk = risk;
    finding.line = current ? current->line : 0;
    finding.column = current ? current->column : 0;
    finding.statement = current ? current->text : QString();
    finding.problem = problem;
    finding.fix = fix;
    finding.pgroll = pgroll;
    findings.append(finding);
}

void LintContext::takesLock(const QString &table)
{
    if (options.timeoutsSetByRunner || m_timeoutsNamed || isNew(table) || (lockTimeoutSet && statementTimeoutSet)) {
        return;
    }
    m_timeoutsNamed = true;
    QStringList missing;
    if (!lockTimeoutSet) {
        missing << QStringLiteral("lock_timeout");
    }
    if (!statementTimeoutSet) {
        missing << QStringLiteral("statement_timeout");
    }
    add(QStringLiteral("require-timeout-settings"), LintRisk::Locks,
        QStringLiteral("%1 %2 not set before the first statement that locks %3: while it waits for a "
                       "transaction in front of it, every query on %3 queues behind it, and the serving "
                       "version stalls for as long as that transaction runs")
            .arg(missing.join(QStringLiteral(" and ")),
                 missing.size() == 1 ? QStringLiteral("is") : QStringLiteral("are"), table),
        QStringLiteral("SET lock_timeout = '2s'; SET statement_timeout = '5min'; at the top, and retry the "
                       "file when it fails with lock_not_available (55P03). Curtain's migrator does both."));
}

} // namespace Internal

namespace {

// Byte offset → 1-based line and column, past the whitespace and comments before the statement.
int skipSpaceAndComments(const QByteArray &sql, int offset)
{
    while (offset < sql.size()) {
        const char c = sql.at(offset);
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
            ++offset;
        } else if (c == '-' && sql.mid(offset, 2) == "--") {
            const int end = sql.indexOf('\n', offset);
            offset = end < 0 ? int(sql.size()) : end + 1;
        } else if (c == '/' && sql.mid(offset, 2) == "/*") {
            const int end = sql.indexOf("*/", offset + 2);
            offset = end < 0 ? int(sql.size()) : end + 2;
        } else {
            break;
        }
    }
    return offset;
}

void lineAndColumn(const QByteArray &sql, int offset, int *line, int *column)
{
    offset = qBound(0, offset, int(sql.size()));
    *line = 1 + int(sql.left(offset).count('\n'));
    const int lineStart = sql.lastIndexOf('\n', offset - 1) + 1;
    *column = 1 + int(QString::fromUtf8(sql.mid(lineStart, offset - lineStart)).size());
}

QString oneLine(const QByteArray &statement)
{
    static const QRegularExpression space(QStringLiteral("\\s+"));
    QString text = QString::fromUtf8(statement).replace(space, QStringLiteral(" ")).trimmed();
    constexpr int shown = 110;
    return text.size() > shown ? text.left(shown - 1) + QChar(0x2026) : text;
}

int number(const json &node, const char *key, int fallback)
{
    const json *value = member(node, key);
    return value && value->is_number_integer() ? int(value->get<long long>()) : fallback;
}

} // namespace

QString lintRiskName(LintRisk risk)
{
    switch (risk) {
    case LintRisk::Breaks:
        return QStringLiteral("breaks");
    case LintRisk::Locks:
        return QStringLiteral("locks");
    case LintRisk::Fails:
        return QStringLiteral("fails");
    }
    return {};
}

Core::Result<QList<LintFinding>> lintSql(const QByteArray &sql, const LintOptions &options)
{
    if (const int nul = sql.indexOf('\0'); nul >= 0) {
        int line = 0;
        int column = 0;
        lineAndColumn(sql, nul, &line, &column);
        return Core::makeError(Core::ErrorKind::InvalidInput,
                               QStringLiteral("%1:%2: a NUL byte; SQL text cannot hold one (is this a binary file?)")
                                   .arg(line)
                                   .arg(column));
    }
    PgQueryParseResult parsed = pg_query_parse(sql.constData());
    if (parsed.error) {
        int line = 0;
        int column = 0;
        // cursorpos counts from 1; 0 when the parser could not say where.
        lineAndColumn(sql, qMax(0, parsed.error->cursorpos - 1), &line, &column);
        const QString message = QString::fromUtf8(parsed.error->message);
        pg_query_free_parse_result(parsed);
        return Core::makeError(
            Core::ErrorKind::InvalidInput,
            QStringLiteral("%1:%2: PostgreSQL cannot parse this: %3").arg(line).arg(column).arg(message));
    }
    const json tree = json::parse(parsed.parse_tree ? parsed.parse_tree : "", nullptr, false);
    pg_query_free_parse_result(parsed);

    LintContext context(options);
    for (const json &entry : list(tree, "stmts")) {
        Statement statement;
        const json *stmt = member(entry, "stmt");
        statement.node = stmt ? unwrap(*stmt, &statement.kind) : nullptr;
        const int start = number(entry, "stmt_location", 0);
        const int length = number(entry, "stmt_len", int(sql.size()) - start);
        const int begin = skipSpaceAndComments(sql, start);
        lineAndColumn(sql, begin, &statement.line, &statement.column);
        statement.text = oneLine(sql.mid(begin, start + length - begin));
        if (statement.node) {
            context.current = &statement;
            checkStatement(context, statement);
            context.current = nullptr;
        }
    }
    return context.findings;
}

QList<LintFinding> lintMigration(const Migration &migration)
{
    QList<LintFinding> findings;
    for (int i = 0; i < migration.operations.size(); ++i) {
        const auto *raw = std::get_if<RawSql>(&migration.operations[i]);
        if (!raw) {
            continue;
        }
        const QString where = QStringLiteral("operations[%1].sql.up").arg(i);
        LintOptions options;
        options.inTransaction = true;       // start (or complete) runs as one transaction
        options.timeoutsSetByRunner = true; // with Curtain's lock_timeout
        options.afterContract = raw->onComplete;
        const auto sqlFindings = lintSql(raw->up.toUtf8(), options);
        if (!sqlFindings.ok()) {
            LintFinding finding;
            finding.rule = QStringLiteral("syntax-error");
            finding.risk = LintRisk::Fails;
            finding.where = where;
            finding.problem = sqlFindings.error().message;
            finding.fix = QStringLiteral("correct the SQL; start would fail on it and roll back");
            findings.append(finding);
            continue;
        }
        for (LintFinding finding : sqlFindings.value()) {
            finding.where = where;
            if (!finding.pgroll.isEmpty()) { // in a pgroll file, the operation is the way
                finding.fix = QStringLiteral("use the operation instead of raw SQL: %1").arg(finding.pgroll);
            }
            findings.append(finding);
        }
        if (raw->down.trimmed().isEmpty() && !raw->onComplete) {
            LintFinding finding;
            finding.rule = QStringLiteral("raw-sql-without-down");
            finding.risk = LintRisk::Fails;
            finding.where = QStringLiteral("operations[%1].sql").arg(i);
            finding.statement = oneLine(raw->up.toUtf8());
            finding.problem = QStringLiteral("raw SQL without `down`: a rollback of this migration cannot undo it, "
                                             "so the database after a rollback is not the one before start");
            finding.fix = QStringLiteral("add `down` with the SQL that undoes `up`, or use the operation that "
                                         "does this change (add_column, create_index, …), which Curtain undoes itself");
            findings.append(finding);
        }
    }
    return findings;
}

} // namespace Curtain::Db
