#include "db/connection.h"

#include <libpq-fe.h>

#include <vector>

namespace Curtain::Db {

namespace {

// libpq's messages are several lines ("…Connection refused\n\tIs the server running…", "ERROR: …\n
// DETAIL: …"): one line for a terminal, a log and an Event, its parts joined by "; ".
QString fromPg(const char *text)
{
    if (!text) {
        return {};
    }
    QStringList parts;
    for (const QString &line : QString::fromUtf8(text).split(QLatin1Char('\n'))) {
        if (const QString part = line.trimmed(); !part.isEmpty()) {
            parts << part;
        }
    }
    return parts.join(QStringLiteral("; "));
}

} // namespace

bool conninfoHasPassword(const QString &conninfo)
{
    char *error = nullptr;
    PQconninfoOption *options = PQconninfoParse(conninfo.toUtf8().constData(), &error);
    PQfreemem(error);
    if (!options) {
        return false; // not parseable: PQconnectdb will say why, without a password to show
    }
    bool found = false;
    for (PQconninfoOption *option = options; option->keyword; ++option) {
        const QByteArray key(option->keyword);
        found = found || ((key == "password" || key == "sslpassword") && option->val && *option->val);
    }
    PQconninfoFree(options);
    return found;
}

QString conninfoWithDatabase(const QString &conninfo, const QString &database)
{
    char *error = nullptr;
    PQconninfoOption *options = PQconninfoParse(conninfo.toUtf8().constData(), &error);
    PQfreemem(error);
    if (!options) {
        return {};
    }
    const auto quoted = [](QString value) -> QString { // a QString: a builder would outlive `value`
        return QLatin1Char('\'') +
               value.replace(QLatin1Char('\\'), QStringLiteral("\\\\"))
                   .replace(QLatin1Char('\''), QStringLiteral("\\'")) +
               QLatin1Char('\'');
    };
    QStringList parts;
    for (PQconninfoOption *option = options; option->keyword; ++option) {
        const QString key = QString::fromUtf8(option->keyword);
        if (key != QLatin1String("dbname") && option->val && *option->val) {
            parts << key + QLatin1Char('=') + quoted(QString::fromUtf8(option->val));
        }
    }
    PQconninfoFree(options);
    parts << QStringLiteral("dbname=") + quoted(database);
    return parts.join(QLatin1Char(' '));
}

Core::Result<std::shared_ptr<Connection>> Connection::open(const QString &conninfo)
{
    if (conninfoHasPassword(conninfo)) {
        return Core::makeError(Core::ErrorKind::InvalidInput,
                               QStringLiteral("the database connection string holds a password; put it in ~/.pgpass "
                                              "(or the file PGPASSFILE names) and leave it out of the string"));
    }
    pg_conn *connection = PQconnectdb(conninfo.toUtf8().constData());
    if (!connection) {
        return Core::makeError(Core::ErrorKind::Unreachable, QStringLiteral("libpq could not allocate a connection"));
    }
    if (PQstatus(connection) != CONNECTION_OK) {
        const QString message = fromPg(PQerrorMessage(connection));
        PQfinish(connection);
        return Core::makeError(Core::ErrorKind::Unreachable,
                               QStringLiteral("cannot connect to the database: %1").arg(message));
    }
    PQsetClientEncoding(connection, "UTF8");
    // NOTICEs ("drop cascades to …", "already exists, skipping") would go to stderr: not for users.
    PQsetNoticeProcessor(
        connection, [](void *, const char *) {}, nullptr);
    return std::shared_ptr<Connection>(new Connection(connection));
}

Connection::Connection(pg_conn *connection) : m_connection(connection)
{}

Connection::~Connection()
{
    PQfinish(m_connection);
}

Core::Error Connection::failure(const QString &what) const
{
    // Refused is kept for what Curtain itself refuses; PostgreSQL's own errors are the server's.
    return Core::makeError(m_lastSqlState == QLatin1String("55P03")   ? Core::ErrorKind::Conflict
                           : m_lastSqlState == QLatin1String("57014") ? Core::ErrorKind::Cancelled
                           : PQstatus(m_connection) != CONNECTION_OK  ? Core::ErrorKind::Unreachable
                                                                      : Core::ErrorKind::Server,
                           QStringLiteral("PostgreSQL: %1").arg(what));
}

std::optional<Core::Error> Connection::checked(pg_result *result)
{
    const ExecStatusType status = PQresultStatus(result);
    if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
        m_lastSqlState.clear();
        return std::nullopt;
    }
    m_lastSqlState = fromPg(PQresultErrorField(result, PG_DIAG_SQLSTATE));
    const QString message = result ? fromPg(PQresultErrorMessage(result)) : fromPg(PQerrorMessage(m_connection));
    PQclear(result);
    return failure(message);
}

Core::Result<Rows> Connection::query(const QString &sql, const QStringList &parameters)
{
    std::vector<QByteArray> texts;
    std::vector<const char *> values;
    texts.reserve(std::size_t(parameters.size()));
    for (const QString &parameter : parameters) {
        texts.push_back(parameter.toUtf8());
        values.push_back(parameter.isNull() ? nullptr : texts.back().constData());
    }
    PGresult *result = PQexecParams(m_connection, sql.toUtf8().constData(), int(values.size()), nullptr, values.data(),
                                    nullptr, nullptr, 0);
    if (std::optional<Core::Error> failed = checked(result)) {
        return *failed;
    }
    Rows rows;
    const int columns = PQnfields(result);
    for (int column = 0; column < columns; ++column) {
        rows.columns << fromPg(PQfname(result, column));
    }
    for (int row = 0; row < PQntuples(result); ++row) {
        QStringList values;
        for (int column = 0; column < columns; ++column) {
            values << (PQgetisnull(result, row, column)
                           ? QString()
                           : QString::fromUtf8(PQgetvalue(result, row, column), PQgetlength(result, row, column)));
        }
        rows.values << values;
    }
    PQclear(result);
    return rows;
}

Core::Result<Core::Done> Connection::execute(const QString &sql)
{
    PGresult *result = PQexec(m_connection, sql.toUtf8().constData());
    if (std::optional<Core::Error> failed = checked(result)) {
        return *failed;
    }
    PQclear(result);
    return Core::Done{};
}

QString Connection::quoteIdentifier(const QString &name) const
{
    // PostgreSQL's rule: double the double quotes, wrap in double quotes (libpq's PQescapeIdentifier
    // does the same but can fail on encoding; names here are valid UTF-8 already).
    QString quoted = name;
    quoted.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

QString Connection::quoteLiteral(const QString &text) const
{
    const QByteArray utf8 = text.toUtf8();
    char *escaped = PQescapeLiteral(m_connection, utf8.constData(), std::size_t(utf8.size()));
    if (!escaped) {
        return QStringLiteral("NULL");
    }
    const QString quoted = QString::fromUtf8(escaped);
    PQfreemem(escaped);
    return quoted;
}

QString Connection::description() const
{
    const QString host = fromPg(PQhost(m_connection));
    return QStringLiteral("database %1 on %2:%3 as %4")
        .arg(fromPg(PQdb(m_connection)), host.startsWith(QLatin1Char('/')) ? QStringLiteral("a local socket") : host,
             fromPg(PQport(m_connection)), fromPg(PQuser(m_connection)));
}

int Connection::serverVersion() const
{
    return PQserverVersion(m_connection);
}

void Connection::cancel()
{
    if (PGcancel *handle = PQgetCancel(m_connection)) {
        char error[256];
        PQcancel(handle, error, int(sizeof error));
        PQfreeCancel(handle);
    }
}

bool Connection::broken() const
{
    return PQstatus(m_connection) != CONNECTION_OK;
}

} // namespace Curtain::Db
