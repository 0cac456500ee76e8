// Core::onFinished and onFinishedTakingResult: a finished future's result reaches its handler on the
// context's thread, copied or moved, and never reaches a handler whose context is gone.

#include "core/futures.h"

#include <QTest>

#include <memory>

using namespace Curtain;

namespace {

// Counts the copies made of it, so a test can tell a moved result from a copied one.
struct Counted
{
    explicit Counted(std::shared_ptr<int> copies) : copies(std::move(copies)) {}
    Counted(const Counted &other) : copies(other.copies) { ++*copies; }
    Counted(Counted &&) noexcept = default;
    Counted &operator=(const Counted &other)
    {
        copies = other.copies;
        ++*copies;
        return *this;
    }
    Counted &operator=(Counted &&) noexcept = default;
    ~Counted() = default;
    std::shared_ptr<int> copies;
};

} // namespace

class TestFutures : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void takingResult_movesTheResultIntoTheHandler()
    {
        const auto copies = std::make_shared<int>(0);
        QObject context;
        bool called = false;
        Core::onFinishedTakingResult(Core::readyFuture(Counted(copies)), &context, [&](Counted value) {
            called = true;
            QVERIFY(value.copies == copies);
        });
        QTRY_VERIFY(called);
        QCOMPARE(*copies, 0);
    }

    void onFinished_copiesTheResult_soOthersCanStillReadIt()
    {
        const auto copies = std::make_shared<int>(0);
        QObject context;
        const QFuture<Counted> future = Core::readyFuture(Counted(copies));
        bool called = false;
        Core::onFinished(future, &context, [&](const Counted &) { called = true; });
        QTRY_VERIFY(called);
        QVERIFY(*copies >= 1);
        QVERIFY(future.result().copies == copies); // still there for another reader
    }

    void handler_isNotCalled_whenItsContextIsGone()
    {
        QPromise<int> promise;
        promise.start();
        bool called = false;
        {
            QObject context;
            Core::onFinishedTakingResult(promise.future(), &context, [&](int) { called = true; });
        }
        promise.addResult(7);
        promise.finish();
        QCoreApplication::processEvents();
        QVERIFY(!called);
    }
};

QTEST_GUILESS_MAIN(TestFutures)
#include "tst_futures.moc"
