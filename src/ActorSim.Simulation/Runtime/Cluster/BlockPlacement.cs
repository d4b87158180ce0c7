using System.Buffers.Binary;
using System.Text;

namespace ActorSim.Simulation.Runtime.Cluster;

/// <summary>
/// Places the blocks of a run on worker nodes by rendezvous (highest-random-weight) hashing with exact balance:
/// every node gets ⌊B/N⌋ or ⌈B/N⌉ blocks (the B mod N extra blocks go to the nodes with the highest
/// "extra" score), and each block, in index order, goes to the node with the highest score for that block that
/// still has room. The result depends only on the block count and the set of node ids (not their order), so the
/// same cluster always gives the same placement, and a node joining or leaving moves few blocks. Where a block
/// runs never changes its results: those depend on the block count only.
/// </summary>
public static class BlockPlacement
{
    /// <summary>The node of each block (index = block).</summary>
    /// <exception cref="ArgumentException">No nodes, or a negative block count.</exception>
    public static string[] Assign(int blocks, IEnumerable<string> nodes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(blocks);
        var ids = nodes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (blocks == 0) return [];
        if (ids.Length == 0) throw new ArgumentException("No worker nodes to place blocks on.", nameof(nodes));

        int n = ids.Length, baseLoad = blocks / n, extra = blocks % n;
        var capacity = new int[n];
        Array.Fill(capacity, baseLoad);
        foreach (int i in Enumerable.Range(0, n).OrderByDescending(i => Score(ids[i], -1)).ThenBy(i => i).Take(extra)) capacity[i]++;

        var placement = new string[blocks];
        for (int b = 0; b < blocks; b++)
        {
            int best = -1;
            ulong bestScore = 0;
            for (int i = 0; i < n; i++)
            {
                if (capacity[i] == 0) continue;
                ulong s = Score(ids[i], b);
                if (best < 0 || s > bestScore) (best, bestScore) = (i, s);
            }
            capacity[best]--;
            placement[b] = ids[best];
        }
        return placement;
    }

    /// <summary>The blocks each node holds, e.g. "node-1: 0, 3; node-2: 1; node-3: 2".</summary>
    public static string Describe(IReadOnlyList<string> placement) =>
        string.Join("; ", placement.Select((node, block) => (node, block)).GroupBy(x => x.node).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(x => x.block))}"));

    /// <summary>
    /// Where the coordinator of a run with this placement steps it: the node that holds every block, when the blocks
    /// all sit on one node (a one-block run, a sweep member steered to one worker), so that the run spans that node
    /// alone; null when the blocks are on several nodes or there are none (the coordinator then runs on the leader,
    /// which accepted the run).
    /// </summary>
    public static string? SteppingNode(IReadOnlyList<string> placement)
    {
        if (placement.Count == 0) return null;
        for (int b = 1; b < placement.Count; b++)
            if (placement[b] != placement[0]) return null;
        return placement[0];
    }

    /// <summary>The blocks <paramref name="node"/> holds in <paramref name="placement"/>.</summary>
    public static int[] BlocksOf(IReadOnlyList<string> placement, string node) =>
        placement.Select((n, b) => (n, b)).Where(x => x.n == node).Select(x => x.b).ToArray();

    /// <summary>A well-mixed 64-bit hash of (node id, block): FNV-1a over the bytes, then the SplitMix64 finaliser.</summary>
    public static ulong Score(string node, int block)
    {
        ulong h = 0xcbf29ce484222325UL;
        foreach (byte c in Encoding.UTF8.GetBytes(node)) h = (h ^ c) * 0x100000001b3UL;
        Span<byte> b = stackalloc byte[5];
        b[0] = 0;
        BinaryPrimitives.WriteInt32LittleEndian(b[1..], block);
        foreach (byte c in b) h = (h ^ c) * 0x100000001b3UL;
        h ^= h >> 30;
        h *= 0xbf58476d1ce4e5b9UL;
        h ^= h >> 27;
        h *= 0x94d049bb133111ebUL;
        h ^= h >> 31;
        return h;
    }
}
