#pragma once

#include "kube/json.h"

#include <cstddef>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <vector>

namespace Curtain::Kube {

// An object as the cache keeps it: immutable and shared, so a snapshot of a collection is a
// reference count, never a deep copy.
using ObjectPtr = std::shared_ptr<const Json>;

// A collection of shared objects that reads like a vector of Json: iterating, indexing and front()
// give `const Json &`. Snapshots of the cluster are built from these, so taking one copies
// pointers, not documents.
class ObjectList
{
public:
    class const_iterator
    {
    public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = Json;
        using difference_type = std::ptrdiff_t;
        using pointer = const Json *;
        using reference = const Json &;

        const_iterator() = default;
        explicit const_iterator(std::vector<ObjectPtr>::const_iterator it) : m_it(it) {}
        reference operator*() const { return **m_it; }
        pointer operator->() const { return m_it->get(); }
        const_iterator &operator++()
        {
            ++m_it;
            return *this;
        }
        const_iterator operator++(int)
        {
            const_iterator before = *this;
            ++m_it;
            return before;
        }
        bool operator==(const const_iterator &other) const = default;

    private:
        std::vector<ObjectPtr>::const_iterator m_it;
    };

    ObjectList() = default;
    // From documents read elsewhere (a file, a list reply): each is moved into shared storage once.
    ObjectList(std::vector<Json> objects)
    {
        m_items.reserve(objects.size());
        for (Json &object : objects) {
            push_back(std::move(object));
        }
    }

    ObjectList(std::initializer_list<Json> objects)
    {
        m_items.reserve(objects.size());
        for (const Json &object : objects) {
            push_back(object);
        }
    }

    void push_back(Json object) { m_items.push_back(std::make_shared<const Json>(std::move(object))); }
    void push_back(ObjectPtr object) { m_items.push_back(std::move(object)); }
    // Puts another object in place `i` (tests that change one document of a snapshot).
    void replace(std::size_t i, Json object) { m_items[i] = std::make_shared<const Json>(std::move(object)); }
    void reserve(std::size_t n) { m_items.reserve(n); }

    std::size_t size() const { return m_items.size(); }
    bool empty() const { return m_items.empty(); }
    const Json &operator[](std::size_t i) const { return *m_items[i]; }
    const Json &front() const { return *m_items.front(); }
    const Json &back() const { return *m_items.back(); }
    const_iterator begin() const { return const_iterator(m_items.cbegin()); }
    const_iterator end() const { return const_iterator(m_items.cend()); }

private:
    std::vector<ObjectPtr> m_items;
};

} // namespace Curtain::Kube
