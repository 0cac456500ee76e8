// HAProxy 2.6's runtime API replies as the console reads them: columns by the header's names,
// admin states from their bits, HAProxy's refusals quoted, and a bad row named without losing the rest.

#include "haproxy/runtimereplies.h"

#include <QTest>

using namespace Curtain;
using namespace Curtain::HAProxy;

namespace {

// The shape of HAProxy 2.6.12's `show stat`, cut to a few columns (a real reply has ~190).
const QString statHeader = QStringLiteral("# pxname,svname,scur,stot,status,weight,type,check_status,hrsp_2xx,"
                                          "hrsp_5xx,req_tot,rtime,ttime,addr,\n");

QString errorOf(const Core::Error &error)
{
    return error.message;
}

} // namespace

class TestHAProxyReplies : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void stat_readsColumnsByName()
    {
        const QString csv =
            statHeader + QStringLiteral("fe,FRONTEND,1,13,OPEN,,0,,13,0,13,,,,\n"
                                        "catalog,blue-1,2,8,UP,100,2,L4OK,8,1,9,3,5,127.0.0.1:18081,\n"
                                        "catalog,green-1,0,0,DRAIN,20,2,L4OK,0,0,0,0,0,127.0.0.1:18082,\n"
                                        "catalog,BACKEND,2,8,UP,100,1,,8,1,9,3,5,,\n");
        const auto table = parseStat(csv);
        QVERIFY(table.ok());
        QVERIFY2(table.value().problems.isEmpty(), qPrintable(table.value().problems.join(u'\n')));
        QCOMPARE(table.value().rows.size(), 4);
        const StatRow &blue = table.value().rows[1];
        QCOMPARE(blue.proxy, QStringLiteral("catalog"));
        QCOMPARE(blue.server, QStringLiteral("blue-1"));
        QVERIFY(blue.isServer());
        QCOMPARE(blue.status, QStringLiteral("UP"));
        QCOMPARE(blue.weight, 100);
        QCOMPARE(blue.scur, 2);
        QCOMPARE(blue.stot, 8);
        QCOMPARE(blue.hrsp2xx, 8);
        QCOMPARE(blue.hrsp5xx, 1);
        QCOMPARE(blue.reqTot, 9);
        QCOMPARE(blue.rtimeMs, 3);
        QCOMPARE(blue.ttimeMs, 5);
        QCOMPARE(blue.checkStatus, QStringLiteral("L4OK"));
        QCOMPARE(blue.addr, QStringLiteral("127.0.0.1:18081"));
        QCOMPARE(blue.line, 3);
        QVERIFY(!table.value().rows[0].isServer());
        QVERIFY(!table.value().rows[0].weight.has_value()); // an empty field is unset, not 0
        QVERIFY(!table.value().rows[3].isServer());
    }

    void stat_columnsInAnotherOrder_andUnknownOnes()
    {
        const QString csv = QStringLiteral("# weight,future_field,svname,status,pxname\n"
                                           "42,x,green-2,UP 1/3,shop\n");
        const auto table = parseStat(csv);
        QVERIFY(table.ok());
        QCOMPARE(table.value().rows.size(), 1);
        QCOMPARE(table.value().rows[0].proxy, QStringLiteral("shop"));
        QCOMPARE(table.value().rows[0].weight, 42);
        QVERIFY(!table.value().rows[0].scur.has_value());
        QCOMPARE(serverStatusOf(table.value().rows[0].status), ServerStatus::Up);
    }

    void stat_badRowsAreNamed_theOthersStay()
    {
        const QString csv = statHeader + QStringLiteral("catalog,blue-1,0,8,UP,heavy,2,L4OK,8,0,8,1,1,127.0.0.1:1,\n"
                                                        "catalog,green-1,0,0,UP\n"
                                                        "catalog,green-2,0,0,UP,20,2,L4OK,0,0,0,0,0,127.0.0.1:2,\n");
        const auto table = parseStat(csv);
        QVERIFY(table.ok());
        QCOMPARE(table.value().rows.size(), 1);
        QCOMPARE(table.value().rows[0].server, QStringLiteral("green-2"));
        const QStringList &problems = table.value().problems;
        QCOMPARE(problems.size(), 2);
        QVERIFY2(problems[0].contains(QStringLiteral("line 2 (catalog/blue-1): weight is \"heavy\", expected a whole "
                                                     "number")),
                 qPrintable(problems[0]));
        QVERIFY2(problems[1].contains(QStringLiteral("line 3: 5 fields, the header names 15")),
                 qPrintable(problems[1]));
    }

    void stat_notATable_quotesHAProxy()
    {
        const auto table = parseStat(QStringLiteral("Unknown command. Please enter one of the following commands "
                                                    "only :\n  help : this message\n"));
        QVERIFY(!table.ok());
        QVERIFY2(errorOf(table.error()).contains(QStringLiteral("\"Unknown command. Please enter")),
                 qPrintable(table.error().message));
        QVERIFY(!parseStat(QString()).ok());
        QVERIFY(parseStat(QString()).error().message.contains(QStringLiteral("an empty reply")));
        const auto noNames = parseStat(QStringLiteral("# a,b,c\n1,2,3\n"));
        QVERIFY(!noNames.ok());
        QVERIFY(noNames.error().message.contains(QStringLiteral("no pxname, svname column")));
    }

    void stat_manyBadRows_areCounted()
    {
        QString csv = QStringLiteral("# pxname,svname,weight\n");
        for (int i = 0; i < 500; ++i) {
            csv += QStringLiteral("b,s%1,x\n").arg(i);
        }
        const auto table = parseStat(csv);
        QVERIFY(table.ok());
        QCOMPARE(table.value().problems.size(), 51);
        QCOMPARE(table.value().problems.last(), QStringLiteral("… and 450 more problems"));
    }

    void statusKinds_data()
    {
        QTest::addColumn<QString>("status");
        QTest::addColumn<ServerStatus>("kind");
        QTest::addColumn<bool>("traffic");
        QTest::newRow("UP") << QStringLiteral("UP") << ServerStatus::Up << true;
        QTest::newRow("going down") << QStringLiteral("UP 1/3") << ServerStatus::Up << true;
        QTest::newRow("coming up") << QStringLiteral("DOWN 1/2") << ServerStatus::Down << false;
        QTest::newRow("no check") << QStringLiteral("no check") << ServerStatus::NoCheck << true;
        QTest::newRow("MAINT via") << QStringLiteral("MAINT (via be/srv)") << ServerStatus::Maint << false;
        QTest::newRow("DRAIN") << QStringLiteral("DRAIN") << ServerStatus::Drain << false;
        QTest::newRow("NOLB") << QStringLiteral("NOLB") << ServerStatus::NoLb << false;
        QTest::newRow("OPEN") << QStringLiteral("OPEN") << ServerStatus::Other << false;
    }

    void statusKinds()
    {
        QFETCH(QString, status);
        QFETCH(ServerStatus, kind);
        QFETCH(bool, traffic);
        QCOMPARE(serverStatusOf(status), kind);
        QCOMPARE(takesTraffic(kind), traffic);
    }

    void serversState_readsTheTable()
    {
        // As HAProxy 2.6.12 printed it with green-1 drained and checkout_blue/blue in maintenance.
        const QString text = QStringLiteral(
            "1\n# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight "
            "srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state "
            "srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port "
            "srv_check_addr srv_agent_addr srv_agent_port\n"
            "3 catalog 1 blue-1 127.0.0.1 2 0 100 100 7 6 3 4 6 0 0 0 - 18081 - 0 0 - - 0\n"
            "3 catalog 2 green-1 127.0.0.1 2 8 20 0 6 6 3 4 6 0 0 0 - 18082 - 0 0 - - 0\n"
            "4 checkout_blue 1 blue 127.0.0.1 0 1 1 1 0 1 0 0 0 0 0 0 - 18081 - 0 0 - - 0\n");
        const auto table = parseServersState(text);
        QVERIFY(table.ok());
        QVERIFY2(table.value().problems.isEmpty(), qPrintable(table.value().problems.join(u'\n')));
        QCOMPARE(table.value().servers.size(), 3);
        const ServerState &green = table.value().servers[1];
        QCOMPARE(green.backend, QStringLiteral("catalog"));
        QCOMPARE(green.server, QStringLiteral("green-1"));
        QCOMPARE(green.addr, QStringLiteral("127.0.0.1"));
        QCOMPARE(green.port, 18082);
        QCOMPARE(green.opState, 2);
        QCOMPARE(green.adminBits, 8);
        QCOMPARE(green.admin, AdminState::Drain);
        QCOMPARE(green.userWeight, 20);
        QCOMPARE(green.initialWeight, 0);
        QCOMPARE(table.value().servers[0].admin, AdminState::Ready);
        QCOMPARE(table.value().servers[2].admin, AdminState::Maint);
    }

    void serversState_badLines_andOtherReplies()
    {
        const QString header = QStringLiteral("1\n# be_name srv_name srv_op_state srv_admin_state srv_uweight\n");
        const auto table = parseServersState(header + QStringLiteral("catalog blue-1 2 0\n"
                                                                     "catalog blue-2 2 zero 100\n"
                                                                     "catalog green-1 2 1 0\n"));
        QVERIFY(table.ok());
        QCOMPARE(table.value().servers.size(), 1);
        QCOMPARE(table.value().servers[0].admin, AdminState::Maint);
        QCOMPARE(table.value().problems.size(), 2);
        QVERIFY2(table.value().problems[0].contains(QStringLiteral("line 3: 4 fields, expected 5")),
                 qPrintable(table.value().problems[0]));
        QVERIFY2(table.value().problems[1].contains(QStringLiteral("(catalog/blue-2): srv_admin_state is \"zero\"")),
                 qPrintable(table.value().problems[1]));

        const auto missing = parseServersState(QStringLiteral("Can't find backend.\n"));
        QVERIFY(!missing.ok());
        QVERIFY2(missing.error().message.contains(QStringLiteral("\"Can't find backend.\"")),
                 qPrintable(missing.error().message));
        const auto version = parseServersState(QStringLiteral("2\n# be_name\n"));
        QVERIFY(!version.ok());
        QVERIFY(version.error().message.contains(QStringLiteral("format version 2; Curtain reads version 1")));
        const auto noHeader = parseServersState(QStringLiteral("1\ncatalog blue-1 2 0 100\n"));
        QVERIFY(!noHeader.ok());
        const auto noWeight = parseServersState(QStringLiteral("1\n# be_name srv_name srv_op_state srv_admin_state\n"));
        QVERIFY(!noWeight.ok());
        QVERIFY(noWeight.error().message.contains(QStringLiteral("no srv_uweight column")));
    }

    void adminBits_data()
    {
        QTest::addColumn<int>("bits");
        QTest::addColumn<AdminState>("state");
        QTest::newRow("none") << 0 << AdminState::Ready;
        QTest::newRow("FMAINT") << 0x01 << AdminState::Maint;
        QTest::newRow("IMAINT") << 0x02 << AdminState::Maint;
        QTest::newRow("CMAINT alone: configured disabled, since set ready") << 0x04 << AdminState::Ready;
        QTest::newRow("disabled in the configuration") << (0x04 | 0x01) << AdminState::Maint;
        QTest::newRow("FDRAIN") << 0x08 << AdminState::Drain;
        QTest::newRow("IDRAIN") << 0x10 << AdminState::Drain;
        QTest::newRow("RMAINT") << 0x20 << AdminState::Maint;
        QTest::newRow("drain and maint") << (0x08 | 0x01) << AdminState::Maint;
    }

    void adminBits()
    {
        QFETCH(int, bits);
        QFETCH(AdminState, state);
        QCOMPARE(adminStateFromBits(bits), state);
    }

    void getWeight()
    {
        const auto weight = parseGetWeight(QStringLiteral("12 (initial 100)\n\n"));
        QVERIFY(weight.ok());
        QCOMPARE(weight.value().current, 12);
        QCOMPARE(weight.value().initial, 100);
        const auto noServer = parseGetWeight(QStringLiteral("No such server.\n"));
        QVERIFY(!noServer.ok());
        QVERIFY2(noServer.error().message.contains(QStringLiteral("\"No such server.\"")),
                 qPrintable(noServer.error().message));
        QVERIFY(!parseGetWeight(QStringLiteral("99999999999 (initial 1)")).ok());
        QVERIFY(!parseGetWeight(QStringLiteral("-1 (initial 1)")).ok());
    }

    void showMap()
    {
        const auto map = parseShowMap(QStringLiteral("0x558ced000d60 checkout.example.com checkout_blue\n"
                                                     "0x558ced000df0 other.example.com checkout green\n"
                                                     "0x558ced000e80 nokey\n"
                                                     "garbage\n\n"));
        QVERIFY(map.ok());
        QCOMPARE(map.value().entries.size(), 3);
        QCOMPARE(map.value().entries[0].reference, QStringLiteral("0x558ced000d60"));
        QCOMPARE(map.value().entries[0].key, QStringLiteral("checkout.example.com"));
        QCOMPARE(map.value().entries[0].value, QStringLiteral("checkout_blue"));
        QCOMPARE(map.value().entries[1].value, QStringLiteral("checkout green")); // a value may hold spaces
        QCOMPARE(map.value().entries[2].value, QString());
        QCOMPARE(map.value().problems.size(), 1);
        QVERIFY(map.value().problems[0].contains(QStringLiteral("line 4")));

        QVERIFY(parseShowMap(QStringLiteral("\n")).ok()); // an empty map
        const auto unknown = parseShowMap(QStringLiteral("Unknown map identifier. Please use #<id> or <file>.\n"));
        QVERIFY(!unknown.ok());
        QVERIFY(unknown.error().message.contains(QStringLiteral("\"Unknown map identifier.")));
    }

    // A switch written into the map file changes the key's value and nothing else.
    void mapFileEntry_keepsEveryOtherLine()
    {
        const QString file = QStringLiteral("# hosts\n  checkout.example\tcheckout_blue\r\nshop.example checkout_blue\n"
                                            "checkout.example checkout_blue\n");
        const auto edited = withMapEntry(file, QStringLiteral("checkout.example"), QStringLiteral("checkout_green"));
        QVERIFY(edited.ok());
        QCOMPARE(edited.value(), QStringLiteral("# hosts\n  checkout.example\tcheckout_green\r\n"
                                                "shop.example checkout_blue\ncheckout.example checkout_blue\n"));
        // Not a prefix match, never a comment, and no entry invented.
        const auto missing = withMapEntry(QStringLiteral("#checkout.example a\ncheckout.example.org b\n"),
                                          QStringLiteral("checkout.example"), QStringLiteral("c"));
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().message, QStringLiteral("it has no entry checkout.example"));
        // A key alone on its line gets a separator.
        QCOMPARE(withMapEntry(QStringLiteral("k"), QStringLiteral("k"), QStringLiteral("v")).value(),
                 QStringLiteral("k v"));
    }

    void commandReply()
    {
        QVERIFY(checkCommandReply(QStringLiteral("\n")).ok());
        QVERIFY(checkCommandReply(QString()).ok());
        const auto refused = checkCommandReply(QStringLiteral("Absolute weight can only be between 0 and 256 "
                                                              "inclusive.\n\n"));
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().kind, Core::ErrorKind::Refused);
        QCOMPARE(refused.error().message, QStringLiteral("HAProxy refused the command: \"Absolute weight can only be "
                                                         "between 0 and 256 inclusive.\""));
        const auto escaped = checkCommandReply(QStringLiteral("bad\x1b[31m thing"));
        QVERIFY(!escaped.ok());
        QVERIFY(!escaped.error().message.contains(QChar(0x1b)));
    }
};

QTEST_GUILESS_MAIN(TestHAProxyReplies)
#include "tst_haproxyreplies.moc"
