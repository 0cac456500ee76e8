#include "sim/garbagecollector.h"

#include "sim/objectstore.h"

namespace Curtain::Sim {

void collectForegroundDeletions(ObjectStore &store)
{
    for (const ObjectStore::ObjectName &owner : store.deletingInForeground()) {
        bool blocked = false;
        for (const ObjectStore::Dependent &dependent : store.dependentsOf(owner)) {
            if (!dependent.deleting) {
                RemoveOptions options;
                options.uid = dependent.object.uid; // not one made again under its name since
                options.foreground = true;
                store.remove(*dependent.object.type, dependent.object.ns, dependent.object.name, options);
            }
            // Still there at this pass; one deleted at once is looked for again at the next.
            blocked = blocked || dependent.blocksOwner;
        }
        if (!blocked) {
            store.releaseForeground(owner);
        }
    }
}

} // namespace Curtain::Sim
