using DirectLB.EndToEnd.Tests.Support;
using DirectLB.Tests.Shared.Replicas;

namespace DirectLB.Bench.Soak;

/// <summary>
/// The soak's three replicas, each in a slot with a fixed Akka port: the soak kills one and starts it again in its
/// slot, and, as a kubelet would, starts again a replica that exited by itself (which the soak counts).
/// </summary>
public sealed class SoakReplicas(ReplicaEnvironment environment, IReadOnlyList<Replica> started)
{
    private readonly Replica[] _slots = [.. started];
    private readonly int[] _ports = [.. started.Select(r => r.AkkaPort)];
    private readonly bool[] _killed = new bool[started.Count];
    private readonly List<string> _selfExits = [];
    private readonly SemaphoreSlim _oneKillAtATime = new(1, 1);
    private int _incarnations;

    public int Count => _slots.Length;

    public IReadOnlyList<Replica> Current => _slots;

    /// <summary>Replicas that exited without being killed, each with its exit code and its log's tail.</summary>
    public IReadOnlyList<string> SelfExits => _selfExits;

    /// <summary>All three running, ready, and each one seeing the three Up.</summary>
    public async Task<bool> AllUpAsync()
    {
        foreach (var replica in _slots)
        {
            if (replica.HasExited || !await replica.IsReadyAsync() || await replica.UpMembersAsync() != _slots.Length)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// SIGKILLs the replica in slot <paramref name="pick"/> (modulo the count) and starts it again after
    /// <paramref name="away"/>. Kills only once all are Up (waiting up to two minutes), one at a time: two away at
    /// once would leave a minority, which downs itself by design. Tells <paramref name="killed"/> the victim's name
    /// as it dies; false if it did not kill.
    /// </summary>
    public async Task<bool> KillAndRestartAsync(int pick, TimeSpan away, Action<string> killed)
    {
        await _oneKillAtATime.WaitAsync();
        try
        {
            await Eventually.Until(AllUpAsync, "all replicas are Up before a kill", TimeSpan.FromMinutes(2));
            var slot = pick % _slots.Length;
            var victim = _slots[slot].Name;
            lock (_killed)
            {
                _killed[slot] = true;
            }

            _slots[slot].Kill();
            killed(victim);
            await Task.Delay(away);
            Restart(slot);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
        finally
        {
            _oneKillAtATime.Release();
        }
    }

    /// <summary>Starts again every replica that exited by itself; the soak calls it every few seconds.</summary>
    public void ReviveSelfExited()
    {
        for (var slot = 0; slot < _slots.Length; slot++)
        {
            bool killed;
            lock (_killed)
            {
                killed = _killed[slot];
            }

            if (!killed && _slots[slot].HasExited)
            {
                _selfExits.Add($"{_slots[slot].Name} exited by itself (code {_slots[slot].ExitCode}):\n{_slots[slot].Tail(15)}");
                Restart(slot);
            }
        }
    }

    private void Restart(int slot)
    {
        var name = $"replica-{slot + 1}.{Interlocked.Increment(ref _incarnations)}";
        _slots[slot] = environment.StartReplica(name, _ports[slot], _ports);
        lock (_killed)
        {
            _killed[slot] = false;
        }
    }
}
