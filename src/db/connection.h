#pragma once

#include "core/result.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

struct pg_conn;
struct pg_result;

namespace Curtain::Db {

// One statement's answer: text values as PostgreSQL sends them; a null value is a null QString.
struct Rows
{
    QStringList columns;
    QList<QStringList> values;

    qsizetype size() const { return values.size(); }
    QString at(qsizetype row, qsizetype column) const { return values.value(row).value(column); }
};

// One libpq connection, used from one thread at a time. Passwords come from ~/.pgpass or PGPASSFILE
// (libpq reads them itself); a connection string that carries one is refused, so it never reaches
// a command line, a log or the state table.
class Connection
{
public:
    static Core::Result<std::shared_ptr<Connection>> open(const QString &conninfo);
    ~Connection();
    Connection(const Connection &) = delete;
    Connection &operator=(const Connection &) = delete;

    // A statement with $1… parameters sent as text (never spliced into the SQL).
    Core::Result<Rows> query(const QString &sql, const QStringList &parameters = {});
    // Several statements in one round trip (DDL, a whole trigger function): no parameters.
    Core::Result<Core::Done> execute(const QString &sql);

    // The SQLSTATE of the last failed statement ("55P03": lock not available), else empty.
    QString lastSqlState() const { return m_lastSqlState; }

    QString quoteIdentifier(const QString &name) const;
    QString quoteLiteral(const QString &text) const;

    QString description() const; // "database orders on 127.0.0.1:5432 as app": no password, ever
    int serverVersion() const;   // 150018

    // Asks the server to stop the statement running now; safe from another thread.
    void cancel();
    // The server is gone (it closed the connection, or the network did): a statement sent now is lost.
    bool broken() const;

private:
    explicit Connection(pg_conn *connection);
    Core::Error failure(const QString &what) const;
    std::optional<Core::Error> checked(pg_result *result); // an error (result freed) or nothing

    pg_conn *m_connection;
    QString m_lastSqlState;
};

using ConnectionPtr = std::shared_ptr<Connection>;

// Whether a connection string names a password (key=value or URI form), which Curtain refuses.
bool conninfoHasPassword(const QString &conninfo);
// The same connection parameters with another database: "host=db dbname=orders" and
// "postgresql://db/orders" both become "host='db' dbname='scratch'". Empty when it does not parse.
QString conninfoWithDatabase(const QString &conninfo, const QString &database);

} // namespace Curtain::Db
