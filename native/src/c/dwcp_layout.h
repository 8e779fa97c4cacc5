/*
 * dwcp_layout.h - the scoring layout of an Isolation Forest, shared by the C and the CUDA kernels
 * (included by forest.c and dwcp_cuda.cu, so both walk exactly the same nodes).
 *
 * Why a second layout: FlatForest keeps five parallel arrays (feature, threshold, left, right, leafValue),
 * so one step of a walk touches up to five cache lines. Here a node is 16 bytes {threshold, feature, left}
 * with the two children adjacent (right == left + 1, breadth-first order within a tree), four nodes to a
 * cache line, and a step is branch-free:  i = node[i].left + (x[node[i].feature] > node[i].threshold).
 * A leaf is a self-loop (threshold = +inf, feature 0, left = itself), so every sample takes exactly
 * depth(tree) steps and no step asks "am I at a leaf?" - the loop has a fixed trip count and the CPU can
 * overlap the independent walks of many rows. Leaf values live in a separate array read once per tree.
 *
 * `x > thr` is `!(x <= thr)` for every non-NaN x (including +-inf), so this walks exactly like the
 * reference; NaN inputs are rejected before any walk. Indices inside a tree are tree-relative.
 */
#ifndef DWCP_LAYOUT_H
#define DWCP_LAYOUT_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "dwcp_kernels.h"

typedef struct {
    double thr;
    int32_t f;
    int32_t left; /* tree-relative index of the left child; right child is left + 1 */
} dwcp_node;

typedef struct {
    int nFeatures;
    int nTrees;
    int nNodes;        /* packed node count (reachable nodes) */
    int maxDepth;      /* largest depth over all trees */
    int *treeStart;    /* [nTrees + 1], into nodes/leaf */
    int *depth;        /* [nTrees], steps needed to reach every leaf of that tree */
    dwcp_node *nodes;  /* [nNodes] */
    double *leaf;      /* [nNodes], path length of a sample ending at a leaf (0 for inner nodes) */
} dwcp_layout;

static void dwcp_layout_free(dwcp_layout *L) {
    if (L == NULL) return;
    free(L->treeStart);
    free(L->depth);
    free(L->nodes);
    free(L->leaf);
    free(L);
}

/* Validates FlatForest arrays the way the Java constructor does (a caller other than Java may pass
 * anything) and builds the layout. Returns DWCP_OK and *out, or an error with err filled. */
static int dwcp_layout_build(int nFeatures, int nTrees, int nNodes, const int *treeStart, const int *feature,
                             const double *threshold, const int *left, const int *right,
                             const double *leafValue, dwcp_layout **out, int *err) {
    int t, status = DWCP_OK;
    int *queue = NULL, *lvl = NULL;
    dwcp_layout *L;
    if (out == NULL) { err[0] = 10; return DWCP_ERR_ARG; }
    *out = NULL;
    if (nFeatures < 1) { err[0] = 1; return DWCP_ERR_ARG; }
    if (nTrees < 1) { err[0] = 2; return DWCP_ERR_ARG; }
    if (nNodes < 1) { err[0] = 3; return DWCP_ERR_ARG; }
    if (!treeStart) { err[0] = 4; return DWCP_ERR_ARG; }
    if (!feature) { err[0] = 5; return DWCP_ERR_ARG; }
    if (!threshold) { err[0] = 6; return DWCP_ERR_ARG; }
    if (!left) { err[0] = 7; return DWCP_ERR_ARG; }
    if (!right) { err[0] = 8; return DWCP_ERR_ARG; }
    if (!leafValue) { err[0] = 9; return DWCP_ERR_ARG; }
    if (treeStart[0] != 0 || treeStart[nTrees] != nNodes) { err[0] = 0; err[1] = 1; return DWCP_ERR_FOREST; }

    L = (dwcp_layout *) calloc(1, sizeof(dwcp_layout));
    if (L == NULL) return DWCP_ERR_NOMEM;
    L->nFeatures = nFeatures;
    L->nTrees = nTrees;
    L->treeStart = (int *) malloc(sizeof(int) * ((size_t) nTrees + 1));
    L->depth = (int *) malloc(sizeof(int) * (size_t) nTrees);
    L->nodes = (dwcp_node *) malloc(sizeof(dwcp_node) * (size_t) nNodes);
    L->leaf = (double *) malloc(sizeof(double) * (size_t) nNodes);
    queue = (int *) malloc(sizeof(int) * (size_t) nNodes);
    lvl = (int *) malloc(sizeof(int) * (size_t) nNodes);
    if (!L->treeStart || !L->depth || !L->nodes || !L->leaf || !queue || !lvl) {
        status = DWCP_ERR_NOMEM;
        goto done;
    }

    {
        int packed = 0;
        for (t = 0; t < nTrees; t++) {
            int lo = treeStart[t], hi = treeStart[t + 1];
            int head = 0, tail = 0, depth = 0;
            if (hi <= lo || hi > nNodes) { err[0] = t; err[1] = 1; status = DWCP_ERR_FOREST; goto done; }
            L->treeStart[t] = packed;
            /* Breadth-first: queue[k] is the original index of packed node packed+k. Each inner node
             * appends both children at once, so they land next to each other. A tree has at most
             * hi - lo reachable nodes; more means a node has two parents, which no real tree has. */
            queue[tail] = lo;
            lvl[tail] = 0;
            tail++;
            while (head < tail) {
                int o = queue[head], d = lvl[head];
                dwcp_node *nd = &L->nodes[packed + head];
                if (feature[o] == -1) {
                    if (!isfinite(leafValue[o])) { err[0] = o; err[1] = 0; status = DWCP_ERR_FOREST; goto done; }
                    nd->thr = INFINITY;
                    nd->f = 0;
                    nd->left = head;
                    L->leaf[packed + head] = leafValue[o];
                    if (d > depth) depth = d;
                } else {
                    int l = left[o], r = right[o];
                    if (feature[o] < 0 || feature[o] >= nFeatures || isnan(threshold[o])
                        || l <= o || l >= hi || r <= o || r >= hi || tail + 2 > hi - lo) {
                        err[0] = o; err[1] = 0; status = DWCP_ERR_FOREST; goto done;
                    }
                    nd->thr = threshold[o];
                    nd->f = feature[o];
                    nd->left = tail;
                    L->leaf[packed + head] = 0.0;
                    queue[tail] = l; lvl[tail] = d + 1; tail++;
                    queue[tail] = r; lvl[tail] = d + 1; tail++;
                }
                head++;
            }
            L->depth[t] = depth;
            if (depth > L->maxDepth) L->maxDepth = depth;
            packed += tail;
        }
        L->treeStart[nTrees] = packed;
        L->nNodes = packed;
    }

done:
    free(queue);
    free(lvl);
    if (status != DWCP_OK) {
        dwcp_layout_free(L);
        return status;
    }
    *out = L;
    return DWCP_OK;
}

#endif
