#include "haproxy/runtimereplies.h"

#include "core/displaytext.h"

#include <QHash>
#include <QRegularExpression>

#include <algorithm>
#include <climits>

namespace Curtain::HAProxy {

namespace {

constexpr qsizetype maxProblems = 50; // a reply broken on every line names the first ones, then counts

// The reply's lines without their line ends; the empty last one after the final "\n" is dropped.
QList<QStringView> linesOf(const QString &text)
{
    QList<QStringView> lines = QStringView(text).split(QLatin1Char('\n'));
    for (QStringView &line : lines) {
        if (line.endsWith(QLatin1Char('\r'))) {
            line.chop(1);
        }
    }
    return lines;
}

// What HAProxy said instead of the expected table, for the error.
QString saidInstead(const QString &reply)
{
    const QString trimmed = reply.trimmed();
    return trimmed.isEmpty() ? QStringLiteral("an empty reply")
                             : QStringLiteral("\"%1\"").arg(Core::shown(trimmed, 300));
}

class Problems
{
public:
    explicit Problems(QStringList &out) : m_out(out) {}
    Problems(const Problems &) = delete;
    Problems &operator=(const Problems &) = delete;

    // Counts what was left out; call before the table is returned.
    void finish()
    {
        if (m_dropped > 0) {
            m_out << QStringLiteral("… and %1 more problems").arg(m_dropped);
            m_dropped = 0;
        }
    }

    void add(const QString &problem)
    {
        if (m_out.size() < maxProblems) {
            m_out << problem;
        } else {
            ++m_dropped;
        }
    }

private:
    QStringList &m_out;
    qsizetype m_dropped = 0;
};

// The column of each header name; a name that repeats keeps its first column.
QHash<QString, qsizetype> columnsOf(const QList<QStringView> &names)
{
    QHash<QString, qsizetype> columns;
    for (qsizetype i = 0; i < names.size(); ++i) {
        const QString name = names[i].trimmed().toString();
        if (!name.isEmpty() && !columns.contains(name)) {
            columns.insert(name, i);
        }
    }
    return columns;
}

// Reads named fields of one row; the first bad number becomes the row's problem.
class RowReader
{
public:
    RowReader(const QHash<QString, qsizetype> &columns, const QList<QStringView> &fields)
        : m_columns(columns), m_fields(fields)
    {}

    QString text(const char *name) const
    {
        const qsizetype column = m_columns.value(QLatin1String(name), -1);
        return column >= 0 && column < m_fields.size() ? m_fields[column].toString() : QString();
    }

    std::optional<qint64> number(const char *name)
    {
        const QString value = text(name);
        if (value.isEmpty()) {
            return std::nullopt;
        }
        bool ok = false;
        const qint64 number = value.toLongLong(&ok);
        if (!ok && m_problem.isEmpty()) {
            m_problem = QStringLiteral("%1 is \"%2\", expected a whole number")
                            .arg(QLatin1String(name), Core::shown(value, 40));
        }
        return ok ? std::optional<qint64>(number) : std::nullopt;
    }

    // A number that must be there and fit an int.
    int required(const char *name)
    {
        const std::optional<qint64> value = number(name);
        if (m_problem.isEmpty() && (!value || *value < INT_MIN || *value > INT_MAX)) {
            m_problem = QStringLiteral("%1 is missing or out of range").arg(QLatin1String(name));
        }
        return value && *value >= INT_MIN && *value <= INT_MAX ? int(*value) : 0;
    }

    const QString &problem() const { return m_problem; }

private:
    const QHash<QString, qsizetype> &m_columns;
    const QList<QStringView> &m_fields;
    QString m_problem;
};

QString missingColumns(const QHash<QString, qsizetype> &columns, std::initializer_list<const char *> names)
{
    QStringList missing;
    for (const char *name : names) {
        if (!columns.contains(QLatin1String(name))) {
            missing << QLatin1String(name);
        }
    }
    return missing.join(QStringLiteral(", "));
}

StatRow statRow(RowReader &reader, int line)
{
    StatRow row;
    row.line = line;
    row.proxy = reader.text("pxname");
    row.server = reader.text("svname");
    row.type = reader.number("type");
    row.status = reader.text("status");
    row.weight = reader.number("weight");
    row.scur = reader.number("scur");
    row.stot = reader.number("stot");
    row.hrsp2xx = reader.number("hrsp_2xx");
    row.hrsp3xx = reader.number("hrsp_3xx");
    row.hrsp4xx = reader.number("hrsp_4xx");
    row.hrsp5xx = reader.number("hrsp_5xx");
    row.reqTot = reader.number("req_tot");
    row.rtimeMs = reader.number("rtime");
    row.ttimeMs = reader.number("ttime");
    row.checkStatus = reader.text("check_status");
    row.checkHealth = reader.number("check_health");
    row.checkRise = reader.number("check_rise");
    row.checkFall = reader.number("check_fall");
    row.addr = reader.text("addr");
    return row;
}

} // namespace

QString adminStateName(AdminState state)
{
    switch (state) {
    case AdminState::Ready:
        return QStringLiteral("ready");
    case AdminState::Drain:
        return QStringLiteral("drain");
    case AdminState::Maint:
        return QStringLiteral("maint");
    }
    return {};
}

AdminState adminStateFromBits(int bits)
{
    // SRV_ADMF_*: FMAINT 0x01, IMAINT 0x02, CMAINT 0x04, FDRAIN 0x08, IDRAIN 0x10, RMAINT 0x20, HMAINT 0x40.
    // CMAINT only records that the configuration said `disabled`: `disabled` starts a server at 5
    // (FMAINT | CMAINT), and `set server … state ready` leaves 4 with the server taking traffic
    // (checked against HAProxy 2.6.12), so it is not maintenance by itself.
    constexpr int maintenance = 0x01 | 0x02 | 0x20 | 0x40;
    constexpr int drain = 0x08 | 0x10;
    if (bits & maintenance) {
        return AdminState::Maint;
    }
    return bits & drain ? AdminState::Drain : AdminState::Ready;
}

ServerStatus serverStatusOf(const QString &status)
{
    const QString word = status.section(QLatin1Char(' '), 0, 0);
    if (status == QLatin1String("no check")) {
        return ServerStatus::NoCheck;
    }
    if (word == QLatin1String("UP")) {
        return ServerStatus::Up;
    }
    if (word == QLatin1String("DOWN")) {
        return ServerStatus::Down;
    }
    if (word == QLatin1String("MAINT")) { // also "MAINT (via be/srv)", "MAINT (resolution)"
        return ServerStatus::Maint;
    }
    if (word == QLatin1String("DRAIN")) {
        return ServerStatus::Drain;
    }
    if (word == QLatin1String("NOLB")) {
        return ServerStatus::NoLb;
    }
    return ServerStatus::Other;
}

bool takesTraffic(ServerStatus status)
{
    return status == ServerStatus::Up || status == ServerStatus::NoCheck;
}

Core::Result<StatTable> parseStat(const QString &csv)
{
    const QList<QStringView> lines = linesOf(csv);
    qsizetype first = 0;
    while (first < lines.size() && lines[first].trimmed().isEmpty()) {
        ++first;
    }
    if (first == lines.size() || !lines[first].startsWith(QLatin1String("# "))) {
        return Core::makeError(
            Core::ErrorKind::Protocol,
            QStringLiteral("HAProxy did not answer `show stat` with its CSV table but with %1").arg(saidInstead(csv)));
    }
    const QList<QStringView> header = lines[first].mid(2).split(QLatin1Char(','));
    const QHash<QString, qsizetype> columns = columnsOf(header);
    if (const QString missing = missingColumns(columns, {"pxname", "svname"}); !missing.isEmpty()) {
        return Core::makeError(Core::ErrorKind::Protocol,
                               QStringLiteral("`show stat`'s header has no %1 column").arg(missing));
    }
    const qsizetype needed = header.size(); // HAProxy ends the header and every row with a comma alike
    StatTable table;
    Problems problems(table.problems);
    for (qsizetype i = first + 1; i < lines.size(); ++i) {
        if (lines[i].trimmed().isEmpty()) {
            continue;
        }
        const QList<QStringView> fields = lines[i].split(QLatin1Char(','));
        const int line = int(i + 1);
        if (fields.size() < needed) {
            problems.add(QStringLiteral("show stat line %1: %2 fields, the header names %3 (\"%4\")")
                             .arg(line)
                             .arg(fields.size())
                             .arg(needed)
                             .arg(Core::shown(lines[i].toString(), 60)));
            continue;
        }
        RowReader reader(columns, fields);
        StatRow row = statRow(reader, line);
        if (!reader.problem().isEmpty()) {
            problems.add(QStringLiteral("show stat line %1 (%2/%3): %4")
                             .arg(line)
                             .arg(Core::shown(row.proxy, 60), Core::shown(row.server, 60), reader.problem()));
            continue;
        }
        table.rows << std::move(row);
    }
    problems.finish();
    return table;
}

Core::Result<ServersStateTable> parseServersState(const QString &text)
{
    const QList<QStringView> lines = linesOf(text);
    qsizetype first = 0;
    while (first < lines.size() && lines[first].trimmed().isEmpty()) {
        ++first;
    }
    if (first == lines.size() || lines[first].trimmed() != QLatin1String("1")) {
        bool isNumber = false;
        (void)(first < lines.size() ? lines[first].trimmed().toInt(&isNumber) : 0);
        return Core::makeError(
            Core::ErrorKind::Protocol,
            isNumber ? QStringLiteral("`show servers state` answered in format version %1; Curtain reads version 1")
                           .arg(Core::shown(lines[first].trimmed().toString(), 20))
                     : QStringLiteral("HAProxy did not answer `show servers state` with its table but with %1")
                           .arg(saidInstead(text)));
    }
    if (first + 1 >= lines.size() || !lines[first + 1].startsWith(QLatin1String("# "))) {
        return Core::makeError(Core::ErrorKind::Protocol,
                               QStringLiteral("`show servers state` has no \"# \" header line after its version"));
    }
    const auto columns = columnsOf(lines[first + 1].mid(2).split(QLatin1Char(' '), Qt::SkipEmptyParts));
    const QString missing =
        missingColumns(columns, {"be_name", "srv_name", "srv_op_state", "srv_admin_state", "srv_uweight"});
    if (!missing.isEmpty()) {
        return Core::makeError(Core::ErrorKind::Protocol,
                               QStringLiteral("`show servers state`'s header has no %1 column").arg(missing));
    }
    const qsizetype needed = *std::max_element(columns.cbegin(), columns.cend()) + 1;
    ServersStateTable table;
    Problems problems(table.problems);
    for (qsizetype i = first + 2; i < lines.size(); ++i) {
        const QStringView trimmed = lines[i].trimmed();
        if (trimmed.isEmpty() || trimmed.startsWith(QLatin1Char('#')) || trimmed == QLatin1String("1")) {
            continue; // a repeated version or header line, as a reply per backend has
        }
        const QList<QStringView> fields = trimmed.split(QLatin1Char(' '), Qt::SkipEmptyParts);
        const int line = int(i + 1);
        if (fields.size() < needed) {
            problems.add(QStringLiteral("show servers state line %1: %2 fields, expected %3 (\"%4\")")
                             .arg(line)
                             .arg(fields.size())
                             .arg(needed)
                             .arg(Core::shown(trimmed.toString(), 60)));
            continue;
        }
        RowReader reader(columns, fields);
        ServerState server;
        server.line = line;
        server.backend = reader.text("be_name");
        server.server = reader.text("srv_name");
        server.addr = reader.text("srv_addr");
        server.opState = reader.required("srv_op_state");
        server.adminBits = reader.required("srv_admin_state");
        server.admin = adminStateFromBits(server.adminBits);
        server.userWeight = reader.required("srv_uweight");
        if (columns.contains(QStringLiteral("srv_iweight"))) {
            server.initialWeight = reader.required("srv_iweight");
        }
        if (const auto port = reader.number("srv_port"); port && *port >= 0 && *port <= 65535) {
            server.port = int(*port);
        }
        if (!reader.problem().isEmpty()) {
            problems.add(QStringLiteral("show servers state line %1 (%2/%3): %4")
                             .arg(line)
                             .arg(Core::shown(server.backend, 60), Core::shown(server.server, 60), reader.problem()));
            continue;
        }
        table.servers << std::move(server);
    }
    problems.finish();
    return table;
}

Core::Result<ServerWeight> parseGetWeight(const QString &reply)
{
    static const QRegularExpression form(QStringLiteral("^([0-9]{1,9}) \\(initial ([0-9]{1,9})\\)$"));
    const QRegularExpressionMatch match = form.match(reply.trimmed());
    if (!match.hasMatch()) {
        return Core::makeError(Core::ErrorKind::Protocol,
                               QStringLiteral("HAProxy answered `get weight` with %1, expected \"N (initial M)\"")
                                   .arg(saidInstead(reply)));
    }
    return ServerWeight{match.captured(1).toInt(), match.captured(2).toInt()};
}

Core::Result<MapTable> parseShowMap(const QString &text)
{
    const QList<QStringView> lines = linesOf(text);
    MapTable table;
    Problems problems(table.problems);
    bool sawEntry = false;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QStringView line = lines[i];
        if (line.trimmed().isEmpty()) {
            continue;
        }
        if (!line.startsWith(QLatin1String("0x"))) {
            if (!sawEntry) { // "Unknown map identifier. Please use #<id> or <file>."
                return Core::makeError(Core::ErrorKind::Protocol,
                                       QStringLiteral("HAProxy did not answer `show map` with entries but with %1")
                                           .arg(saidInstead(text)));
            }
            problems.add(QStringLiteral("show map line %1: not \"0x… key value\" (\"%2\")")
                             .arg(i + 1)
                             .arg(Core::shown(line.toString(), 60)));
            continue;
        }
        sawEntry = true;
        const qsizetype keyStart = line.indexOf(QLatin1Char(' '));
        const qsizetype valueStart = keyStart < 0 ? -1 : line.indexOf(QLatin1Char(' '), keyStart + 1);
        if (keyStart < 0 || keyStart + 1 == line.size() || valueStart == keyStart + 1) {
            problems.add(QStringLiteral("show map line %1: no key after the entry's reference").arg(i + 1));
            continue;
        }
        MapEntry entry;
        entry.reference = line.left(keyStart).toString();
        entry.key =
            (valueStart < 0 ? line.mid(keyStart + 1) : line.mid(keyStart + 1, valueStart - keyStart - 1)).toString();
        entry.value = valueStart < 0 ? QString() : line.mid(valueStart + 1).toString();
        table.entries << std::move(entry);
    }
    problems.finish();
    return table;
}

Core::Result<Core::Done> checkCommandReply(const QString &reply)
{
    if (reply.trimmed().isEmpty()) {
        return Core::Done{};
    }
    return Core::makeError(
        Core::ErrorKind::Refused,
        QStringLiteral("HAProxy refused the command: \"%1\"").arg(Core::shown(reply.trimmed(), 300)));
}

Core::Result<QString> withMapEntry(const QString &mapFile, const QString &key, const QString &value)
{
    QStringList lines = mapFile.split(QLatin1Char('\n'));
    for (QString &line : lines) {
        const QString content = line.trimmed();
        if (content.isEmpty() || content.startsWith(QLatin1Char('#'))) {
            continue;
        }
        const qsizetype leading = line.indexOf(content.front());
        qsizetype keyEnd = leading;
        while (keyEnd < line.size() && line[keyEnd] != QLatin1Char(' ') && line[keyEnd] != QLatin1Char('\t')) {
            ++keyEnd;
        }
        if (QStringView(line).mid(leading, keyEnd - leading) != key) {
            continue;
        }
        // The separator as written, then the new value; a trailing '\r' (a file from Windows) stays.
        qsizetype valueStart = keyEnd;
        while (valueStart < line.size() &&
               (line[valueStart] == QLatin1Char(' ') || line[valueStart] == QLatin1Char('\t'))) {
            ++valueStart;
        }
        const QString separator = valueStart > keyEnd ? line.mid(keyEnd, valueStart - keyEnd) : QStringLiteral(" ");
        const QString ending = line.endsWith(QLatin1Char('\r')) ? QStringLiteral("\r") : QString();
        line = line.left(keyEnd) + separator + value + ending;
        return lines.join(QLatin1Char('\n'));
    }
    return Core::makeError(Core::ErrorKind::InvalidInput, QStringLiteral("it has no entry %1").arg(key));
}

} // namespace Curtain::HAProxy
