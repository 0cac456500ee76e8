#include "sim/garbagecollector.h"

#include "sim/objectstore.h"

#include <algorithm>
#include <map>

namespace Curtain::Sim {

void collectForegroundDeletions(ObjectStore &store)
{
    const std::vector<ObjectStore::HeldOwner> held = store.heldForDependents();
    std::map<std::string, const ObjectStore::HeldOwner *> byUid;
    for (const ObjectStore::HeldOwner &owner : held) {
        byUid[owner.owner.uid] = &owner;
    }
    // `who` is held itself, and waits for `whom` among its dependents.
    const auto waitsFor = [&byUid](const std::string &who, const std::string &whom) {
        const auto it = byUid.find(who);
        return it != byUid.end() &&
               std::any_of(it->second->dependents.begin(), it->second->dependents.end(),
                           [&whom](const auto &dependent) { return dependent.object.uid == whom; });
    };
    for (const ObjectStore::HeldOwner &owner : held) {
        bool blocked = false;
        for (const ObjectStore::Dependent &dependent : owner.dependents) {
            if (dependent.object.uid == owner.owner.uid) {
                continue; // it names itself: nothing to wait for
            }
            if (!dependent.deleting) {
                RemoveOptions options;
                options.uid = dependent.object.uid;  // not one made again under its name since
                options.foreground = dependent.owns; // one that owns nothing goes at once
                store.remove(*dependent.object.type, dependent.object.ns, dependent.object.name, options);
            }
            // Still there at this pass (one deleted at once is looked for again at the next). One that
            // waits for this owner in turn does not hold it: kube's collector unblocks such a cycle.
            blocked = blocked || (dependent.blocksOwner && !waitsFor(dependent.object.uid, owner.owner.uid));
        }
        if (!blocked) {
            store.releaseForeground(owner.owner);
        }
    }
}

} // namespace Curtain::Sim
