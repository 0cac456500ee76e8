// A fleet's plan Lease kept in a file: two holders of the same file (a console and curtainctl on
// one machine) see each other's writes with an API server's rules, and a damaged file is named,
// never overwritten.

#include "engine/fileplanobjects.h"
#include "kube/json.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Curtain;
using Kube::Json;

class TestFilePlanObjects : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    QString file() const { return m_dir.filePath(QStringLiteral("plans/fleet.json")); }

    static QByteArray lease(const char *holder)
    {
        return QByteArray::fromStdString(
            Json{{"metadata", {{"name", "curtain-plan-catalog"}}}, {"spec", {{"holderIdentity", holder}}}}.dump());
    }

private Q_SLOTS:
    void init() { QFile::remove(file()); }

    void twoHolders_seeOneLease_andAStaleWriteIs409()
    {
        Engine::FilePlanObjects console(file());
        Engine::FilePlanObjects ctl(file());
        const QString path = QStringLiteral("leases/curtain-plan-catalog");
        QCOMPARE(ctl.get(path).result().error().httpStatus, 404);

        const auto taken = console.create(QStringLiteral("leases"), lease("console"));
        QVERIFY(taken.result().ok());
        const std::string version = taken.result().value()["metadata"]["resourceVersion"];

        // The other holder sees it, and cannot create a second one.
        const auto seen = ctl.get(path).result();
        QVERIFY(seen.ok());
        QCOMPARE(seen.value()["spec"]["holderIdentity"].get<std::string>(), std::string("console"));
        QCOMPARE(ctl.create(QStringLiteral("leases"), lease("curtainctl")).result().error().httpStatus, 409);

        // A renewal on the version read wins once; the same old version then loses.
        const QByteArray renew = QByteArray::fromStdString(
            Json{{"metadata", {{"resourceVersion", version}}}, {"spec", {{"renewTime", "now"}}}}.dump());
        const auto renewed = console.mergePatch(path, renew).result();
        QVERIFY(renewed.ok());
        QVERIFY(renewed.value()["metadata"]["resourceVersion"].get<std::string>() != version);
        QCOMPARE(ctl.mergePatch(path, renew).result().error().httpStatus, 409);
        // Versions go on across holders: none is given twice.
        const auto again = ctl.mergePatch(path, R"({"spec":{"holderIdentity":"curtainctl"}})").result();
        QVERIFY(again.ok());
        QVERIFY(std::stoll(again.value()["metadata"]["resourceVersion"].get<std::string>()) >
                std::stoll(renewed.value()["metadata"]["resourceVersion"].get<std::string>()));
    }

    void ensure_createsOnce()
    {
        Engine::FilePlanObjects objects(file());
        const QString path = QStringLiteral("haproxy/catalog");
        QVERIFY(objects.ensure(path, Json{{"metadata", {{"name", "catalog"}}}}).ok());
        QVERIFY(objects.mergePatch(path, R"({"metadata":{"annotations":{"progress":"step 1"}}})").result().ok());
        QVERIFY(objects.ensure(path, Json{{"metadata", {{"name", "catalog"}}}}).ok());
        QCOMPARE(objects.get(path).result().value()["metadata"]["annotations"]["progress"].get<std::string>(),
                 std::string("step 1"));
    }

    void damagedFile_isNamed_andKept()
    {
        QVERIFY(QDir().mkpath(QFileInfo(file()).absolutePath()));
        QFile damaged(file());
        QVERIFY(damaged.open(QIODevice::WriteOnly));
        damaged.write("{\"version\": 7, \"objects\": [1, 2]");
        damaged.close();
        Engine::FilePlanObjects objects(file());
        const auto refused = objects.create(QStringLiteral("leases"), lease("console")).result();
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().message.contains(file()) &&
                     refused.error().message.contains(QStringLiteral("if no plan runs on this fleet, delete it")),
                 qPrintable(refused.error().message));
        QVERIFY(damaged.open(QIODevice::ReadOnly));
        QCOMPARE(damaged.readAll(), QByteArray("{\"version\": 7, \"objects\": [1, 2]"));
    }

    void text_roundTrips_andBadShapesAreNamed()
    {
        Engine::MemoryPlanObjects::State state;
        state.version = 42;
        state.objects[QStringLiteral("leases/a")] = Json{{"metadata", {{"name", "a"}}}};
        const auto read = Engine::readPlanObjects(Engine::writePlanObjects(state));
        QVERIFY(read.ok());
        QCOMPARE(read.value().version, 42LL);
        QVERIFY(read.value().objects.at(QStringLiteral("leases/a")) == state.objects.at(QStringLiteral("leases/a")));
        QCOMPARE(Engine::readPlanObjects("[]").error().message, QStringLiteral("is not a JSON object"));
        QCOMPARE(Engine::readPlanObjects(R"({"version":-1,"objects":{}})").error().message,
                 QStringLiteral("has no version counter"));
        QCOMPARE(Engine::readPlanObjects(R"({"version":1,"objects":{"x":3}})").error().message,
                 QStringLiteral("holds x, which is not an object"));
    }
};

QTEST_GUILESS_MAIN(TestFilePlanObjects)
#include "tst_fileplanobjects.moc"
