namespace DirectLB.Providers.HAProxy;

/// <summary>Who runs the HAProxy process.</summary>
public enum HAProxyMode
{
    /// <summary>
    /// DirectLB starts HAProxy in master-worker mode from its state directory, restarts it when it dies, and
    /// (unless told otherwise) leaves it running when DirectLB stops, so traffic outlives the controller.
    /// </summary>
    Own,

    /// <summary>
    /// Someone else (systemd, a sidecar) runs HAProxy as <c>haproxy -W -S &lt;MasterSocket&gt; -f &lt;ConfigPath&gt;</c>.
    /// DirectLB owns that configuration file entirely (it rewrites it, including the global section with the
    /// admin socket), reloads through the master socket, and never starts or stops the process.
    /// </summary>
    Attach,
}
