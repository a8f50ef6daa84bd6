/*
 * The v6.4+ pte_list_add / pte_list_remove (arch/x86/kvm/mmu/mmu.c, tail_count variant) in plain
 * C, the yardstick for the model's speed: same algorithm, descriptors handed out from a
 * pre-filled array as kvm_mmu_memory_cache_alloc does. Prints "name ns_per_op ops" lines.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define PTE_LIST_EXT 14
struct pte_list_desc {
	struct pte_list_desc *more;
	uint32_t spte_count;
	uint32_t tail_count;
	uint64_t *sptes[PTE_LIST_EXT];
};
struct kvm_rmap_head { unsigned long val; };

static struct pte_list_desc *cache;
static long cache_n;
static struct pte_list_desc *cache_alloc(void) { return &cache[--cache_n]; }
static void free_desc(struct pte_list_desc *d) { (void)d; }

static int __attribute__((noinline)) pte_list_add(uint64_t *spte, struct kvm_rmap_head *rmap_head)
{
	struct pte_list_desc *desc;
	int count = 0;

	if (!rmap_head->val) {
		rmap_head->val = (unsigned long)spte;
	} else if (!(rmap_head->val & 1)) {
		desc = cache_alloc();
		desc->sptes[0] = (uint64_t *)rmap_head->val;
		desc->sptes[1] = spte;
		desc->spte_count = 2;
		desc->tail_count = 0;
		rmap_head->val = (unsigned long)desc | 1;
		++count;
	} else {
		desc = (struct pte_list_desc *)(rmap_head->val & ~1ul);
		count = desc->tail_count + desc->spte_count;
		if (desc->spte_count == PTE_LIST_EXT) {
			desc = cache_alloc();
			desc->more = (struct pte_list_desc *)(rmap_head->val & ~1ul);
			desc->spte_count = 0;
			desc->tail_count = count;
			rmap_head->val = (unsigned long)desc | 1;
		}
		desc->sptes[desc->spte_count++] = spte;
	}
	return count;
}

static void pte_list_desc_remove_entry(struct kvm_rmap_head *rmap_head, struct pte_list_desc *desc, int i)
{
	struct pte_list_desc *head_desc = (struct pte_list_desc *)(rmap_head->val & ~1ul);
	int j = head_desc->spte_count - 1;

	desc->sptes[i] = head_desc->sptes[j];
	head_desc->sptes[j] = NULL;
	head_desc->spte_count--;
	if (head_desc->spte_count)
		return;
	if (!head_desc->more)
		rmap_head->val = 0;
	else
		rmap_head->val = (unsigned long)head_desc->more | 1;
	free_desc(head_desc);
}

static void __attribute__((noinline)) pte_list_remove(uint64_t *spte, struct kvm_rmap_head *rmap_head)
{
	struct pte_list_desc *desc;
	int i;

	if (!(rmap_head->val & 1)) {
		rmap_head->val = 0;
		return;
	}
	for (desc = (struct pte_list_desc *)(rmap_head->val & ~1ul); desc; desc = desc->more)
		for (i = 0; i < desc->spte_count; ++i)
			if (desc->sptes[i] == spte) {
				pte_list_desc_remove_entry(rmap_head, desc, i);
				return;
			}
	abort();
}

static double now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

int main(void)
{
	const long n = 1000000;
	uint64_t *sptes = calloc(n, sizeof(uint64_t));
	struct kvm_rmap_head head = { 0 };
	long sum = 0;

	cache_n = n / PTE_LIST_EXT + 2;
	cache = calloc(cache_n, sizeof(*cache));
	double t0 = now_ns();
	for (long i = 0; i < n; i++)
		sum += pte_list_add(&sptes[i], &head);
	double t1 = now_ns();
	printf("c.rmap.tail_count.add_1m %.2f %ld\n", (t1 - t0) / n, n);

	t0 = now_ns();
	for (long i = n - 1; i >= 0; i--)
		pte_list_remove(&sptes[i], &head);
	t1 = now_ns();
	printf("c.rmap.tail_count.remove_lifo_1m %.2f %ld\n", (t1 - t0) / n, n);
	return sum == 42; /* keep the adds alive */
}
