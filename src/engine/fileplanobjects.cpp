#include "engine/fileplanobjects.h"

#include "core/futures.h"
#include "engine/journal.h"
#include "kube/json.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>
#include <QSaveFile>

namespace Curtain::Engine {

using Core::Result;
using Kube::Json;

namespace {

constexpr qint64 maxFileBytes = 4 * 1024 * 1024; // a few Leases and progress records; more is damage

Core::Error damaged(const QString &file, const QString &why)
{
    return Core::makeError(
        Core::ErrorKind::Server,
        QStringLiteral("the fleet's plan state %1 %2: if no plan runs on this fleet, delete it").arg(file, why));
}

} // namespace

QByteArray writePlanObjects(const MemoryPlanObjects::State &state)
{
    Json objects = Json::object();
    for (const auto &[path, object] : state.objects) {
        objects[path.toStdString()] = object;
    }
    return QByteArray::fromStdString(Json{{"version", state.version}, {"objects", objects}}.dump());
}

Result<MemoryPlanObjects::State> readPlanObjects(const QByteArray &text)
{
    const Json parsed = Json::parse(text.constData(), text.constData() + text.size(), nullptr, false);
    const auto invalid = [](const QString &why) { return Core::makeError(Core::ErrorKind::InvalidInput, why); };
    const Kube::Reader root(parsed);
    if (!root.isObject()) {
        return invalid(QStringLiteral("is not a JSON object"));
    }
    const std::optional<long long> version = root.field("version").optionalInteger(0);
    if (!version) {
        return invalid(QStringLiteral("has no version counter"));
    }
    const Kube::Reader objects = root.field("objects");
    if (!objects.isObject()) {
        return invalid(QStringLiteral("has no objects"));
    }
    MemoryPlanObjects::State state;
    state.version = *version;
    for (const auto &[path, object] : objects.members()) {
        if (!object.isObject()) {
            return invalid(QStringLiteral("holds %1, which is not an object").arg(QString::fromStdString(path)));
        }
        state.objects[QString::fromStdString(path)] = *object.json();
    }
    return state;
}

QString FilePlanObjects::fileFor(const QString &fleetIdentity)
{
    // One file per fleet, whichever file describes it; the identity is a hash already.
    QString id = fleetIdentity;
    id.remove(QStringLiteral("fleet:"));
    return QFileInfo(Journal::defaultPath()).absolutePath() + QStringLiteral("/fleet-plans/") + id +
           QStringLiteral(".json");
}

Result<Json> FilePlanObjects::locked(const std::function<Result<Json>(MemoryPlanObjects &)> &operation)
{
    if (!QDir().mkpath(QFileInfo(m_file).absolutePath())) {
        return damaged(m_file, QStringLiteral("cannot be kept: its directory cannot be created"));
    }
    QLockFile lock(m_file + QStringLiteral(".lock"));
    lock.setStaleLockTime(10'000);
    if (!lock.tryLock(5'000)) {
        return Core::makeError(Core::ErrorKind::Unreachable,
                               QStringLiteral("the fleet's plan state %1 is locked by another process").arg(m_file));
    }
    MemoryPlanObjects memory;
    QFile current(m_file);
    if (current.exists()) {
        if (!current.open(QIODevice::ReadOnly) || current.size() > maxFileBytes) {
            return damaged(m_file, current.isOpen() ? QStringLiteral("is larger than 4 MiB") : current.errorString());
        }
        auto state = readPlanObjects(current.readAll());
        if (!state.ok()) {
            return damaged(m_file, state.error().message);
        }
        memory.restore(std::move(state).value());
    }
    Result<Json> result = operation(memory);
    if (memory.writes > 0) {
        QSaveFile file(m_file);
        const QByteArray text = writePlanObjects(memory.state());
        if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size() || !file.commit()) {
            return damaged(m_file, QStringLiteral("was not written: ") + file.errorString());
        }
    }
    return result;
}

QFuture<Result<Json>> FilePlanObjects::get(const QString &path)
{
    return Core::readyFuture(locked([&](MemoryPlanObjects &objects) { return objects.get(path).result(); }));
}

QFuture<Result<Json>> FilePlanObjects::create(const QString &collectionPath, const QByteArray &body)
{
    return Core::readyFuture(
        locked([&](MemoryPlanObjects &objects) { return objects.create(collectionPath, body).result(); }));
}

QFuture<Result<Json>> FilePlanObjects::mergePatch(const QString &path, const QByteArray &body)
{
    return Core::readyFuture(
        locked([&](MemoryPlanObjects &objects) { return objects.mergePatch(path, body).result(); }));
}

Result<Core::Done> FilePlanObjects::ensure(const QString &path, const Json &object)
{
    const Result<Json> done = locked([&](MemoryPlanObjects &objects) -> Result<Json> {
        if (objects.object(path).is_null()) {
            objects.put(path, object);
            ++objects.writes;
        }
        return Json();
    });
    return done.ok() ? Result<Core::Done>(Core::Done{}) : Result<Core::Done>(done.error());
}

} // namespace Curtain::Engine
