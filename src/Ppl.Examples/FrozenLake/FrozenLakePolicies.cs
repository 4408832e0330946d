using Ppl.Examples.FrozenLake.Mdp;
using static TorchSharp.torch;

namespace Ppl.Examples.FrozenLake;

/// <summary>The two policies of the story: the one in production and the one we would like to deploy.</summary>
public static class FrozenLakePolicies
{
    /// <summary>
    /// Production: head for the goal by the shortest safe path (breadth-first distances over
    /// non-hole cells, as if the ice were not slippery), never aiming straight at a hole; with
    /// probability <paramref name="epsilon"/> a uniformly random action instead (exploration).
    /// It ignores that the ice may carry it sideways into a hole.
    /// </summary>
    public static TabularPolicy Heuristic(FrozenLakeMap map, double epsilon, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(map);
        int[] distance = DistancesToGoal(map);
        var greedy = new long[map.StateCount];
        for (int s = 0; s < map.StateCount; s++)
        {
            int best = int.MaxValue;
            for (int a = 0; a < FrozenLakeMap.ActionCount; a++)
            {
                int target = map.Move(s, a);
                int score = map.IsHole(target) ? int.MaxValue : distance[target];
                if (score < best)
                {
                    (best, greedy[s]) = (score, a);
                }
            }
        }

        var shortest = TabularPolicy.Deterministic("shortest path", tensor(greedy, device: device), FrozenLakeMap.ActionCount);
        return TabularPolicy.EpsilonGreedy($"shortest path, ε = {epsilon:0.##}", shortest, epsilon);
    }

    /// <summary>Target: the optimal policy of the known (slippery or not) dynamics by value iteration, deterministic.</summary>
    public static TabularPolicy Optimal(TabularMdp mdp) => ValueIteration.OptimalPolicy(mdp, gamma: 0.99, name: "value iteration (greedy)");

    /// <summary>Steps from each cell to the nearest goal moving between non-hole cells; int.MaxValue where none is reachable.</summary>
    public static int[] DistancesToGoal(FrozenLakeMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var distance = Enumerable.Repeat(int.MaxValue, map.StateCount).ToArray();
        var queue = new Queue<int>();
        for (int s = 0; s < map.StateCount; s++)
        {
            if (map.Cells[s] == 'G')
            {
                distance[s] = 0;
                queue.Enqueue(s);
            }
        }

        while (queue.Count > 0)
        {
            int s = queue.Dequeue();
            for (int d = 0; d < FrozenLakeMap.ActionCount; d++)
            {
                int neighbour = map.Move(s, d);
                if (!map.IsHole(neighbour) && distance[neighbour] == int.MaxValue)
                {
                    distance[neighbour] = distance[s] + 1;
                    queue.Enqueue(neighbour);
                }
            }
        }

        return distance;
    }
}
