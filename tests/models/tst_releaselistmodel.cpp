// The release list as the console shows it, under QAbstractItemModelTester: a refresh of the same
// releases changes cells, not rows (so a selected release stays selected), and a new set resets.

#include "models/releaselistmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace Curtain;
using Models::ReleaseListModel;

namespace {

Core::ReleaseSnapshot release(const QString &name, int candidateWeight)
{
    Core::ReleaseSnapshot r;
    r.name = name;
    r.namespaceName = QStringLiteral("shop");
    r.routeName = name;
    r.routeKind = Core::RouteKind::HttpRoute;
    r.blue.color = Core::Color::Blue;
    r.blue.present = true;
    r.blue.version = QStringLiteral("v1.4.0");
    r.blue.trafficPercent = 100 - candidateWeight;
    r.green.color = Core::Color::Green;
    r.green.present = true;
    r.green.version = QStringLiteral("v1.5.0");
    r.green.trafficPercent = candidateWeight;
    return r;
}

} // namespace

class TestReleaseListModel : public QObject
{
    Q_OBJECT

    std::unique_ptr<ReleaseListModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;

    QString cell(int row, int column) const { return m_model->index(row, column).data().toString(); }

private Q_SLOTS:
    void init()
    {
        m_model = std::make_unique<ReleaseListModel>();
        m_tester = std::make_unique<QAbstractItemModelTester>(m_model.get(),
                                                              QAbstractItemModelTester::FailureReportingMode::QtTest);
    }
    void cleanup()
    {
        m_tester.reset();
        m_model.reset();
    }

    void rows_showWhatTheConsoleShows()
    {
        m_model->setReleases({release(QStringLiteral("catalog"), 25), release(QStringLiteral("search"), 0)});
        QCOMPARE(m_model->rowCount(), 2);
        QCOMPARE(cell(0, ReleaseListModel::Name), QStringLiteral("catalog"));
        QCOMPARE(cell(0, ReleaseListModel::StableVersion), QStringLiteral("v1.4.0"));
        QCOMPARE(cell(0, ReleaseListModel::CandidateWeight), QStringLiteral("25 %"));
        QCOMPARE(m_model->index(1, 0).data(ReleaseListModel::ReleaseNameRole).toString(), QStringLiteral("search"));
        QCOMPARE(m_model->rowOf(QStringLiteral("search")), 1);
        QCOMPARE(m_model->rowOf(QStringLiteral("billing")), -1);
        QCOMPARE(m_model->headerData(0, Qt::Horizontal).toString(), QStringLiteral("Release"));
    }

    void sameReleases_changeCellsNotRows()
    {
        m_model->setReleases({release(QStringLiteral("catalog"), 25), release(QStringLiteral("search"), 0)});
        QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
        QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
        m_model->setReleases({release(QStringLiteral("catalog"), 50), release(QStringLiteral("search"), 0)});
        QCOMPARE(reset.count(), 0);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(cell(0, ReleaseListModel::CandidateWeight), QStringLiteral("50 %"));
    }

    void differentReleases_reset_andEmptyIsEmpty()
    {
        m_model->setReleases({release(QStringLiteral("catalog"), 25)});
        QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
        m_model->setReleases({release(QStringLiteral("catalog"), 25), release(QStringLiteral("search"), 5)});
        QCOMPARE(reset.count(), 1);
        QCOMPARE(m_model->rowCount(), 2);
        m_model->setReleases({});
        QCOMPARE(m_model->rowCount(), 0);
        QVERIFY(!m_model->index(0, 0).isValid());
    }
};

QTEST_GUILESS_MAIN(TestReleaseListModel)
#include "tst_releaselistmodel.moc"
