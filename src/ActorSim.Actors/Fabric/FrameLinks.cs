using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace ActorSim.Actors.Fabric;

/// <summary>
/// Direct TCP links between cluster members for ActorSim's frames (halos, partial sums, snapshots, control): one
/// connection per ordered pair of members (so frames from one node to another keep their order), length-prefixed frames,
/// TCP_NODELAY, writes batched while the queue is not empty. Akka.Remote still carries the cluster's own traffic
/// (gossip, heartbeats, the singleton); the frames skip its serialization and dispatch, which bounded bulk transfer at
/// about 0.3 GB/s. With <see cref="TlsSettings"/> every link is mutual TLS against the cluster's CA, as Akka.Remote is.
/// </summary>
/// <remarks>
/// A link that fails (peer gone, reset) drops what it had queued, as Akka.Remote does with an unreachable member: the
/// frames' own layer (epochs, recovery from checkpoints) handles lost nodes. The next frame to that peer connects anew.
/// <para>
/// Every link is authenticated when it opens: the accepting node sends a fresh 32-byte challenge, the opening node
/// answers with its greeting and HMAC-SHA256(cluster secret, challenge, greeting); a wrong answer closes the link before
/// any frame is read. On a <see cref="Trusted"/> link (mutual TLS, or both ends on loopback, where nobody can sit in the
/// middle) that makes the frames' own HMAC redundant, and the layer above sends them unsigned; between hosts without
/// TLS the frames stay signed, because plain TCP does not stop a man in the middle from changing them after the
/// challenge.
/// </para>
/// </remarks>
internal sealed class FrameLinks : IAsyncDisposable
{
    /// <summary>The member role that advertises a node's frame port, e.g. <c>frames:40123</c>.</summary>
    public const string RolePrefix = "frames:";

    private const int HeaderBytes = 4, ChallengeBytes = 32;
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);
    private static ReadOnlySpan<byte> ChallengeLabel => "actorsim-frame-link-1\0"u8;
    private readonly TcpListener _listener;
    private readonly Action<ReadOnlyMemory<byte>, string, string> _onFrame;
    private byte[] _hello = [];
    private readonly ILogger _log;
    private readonly string _nodeId;
    private readonly long _maxFrameBytes;
    private readonly X509Certificate2? _certificate, _ca;
    private readonly Remote.ClusterSecret _secret;
    private readonly ConcurrentDictionary<string, Link> _links = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Socket, byte> _accepted = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _acceptLoop;

    public FrameLinks(string nodeId, string host, int port, TlsSettings? tls, Remote.ClusterSecret? secret, long maxFrameBytes,
        Action<ReadOnlyMemory<byte>, string, string> onFrame, ILogger log)
    {
        _nodeId = nodeId;
        _secret = secret ?? throw new ArgumentNullException(nameof(secret), "frame links are opened with the cluster secret's challenge");
        _onFrame = onFrame;
        _log = log;
        _maxFrameBytes = maxFrameBytes;
        if (tls is not null) (_certificate, _ca) = ClusterTls.Load(tls);
        var address = IPAddress.TryParse(host, out var ip) ? ip
            : Dns.GetHostAddresses(host).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? IPAddress.Loopback;
        _listener = new TcpListener(address, port);
        _listener.Start(64);
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        Trusted = tls is not null || IPAddress.IsLoopback(address);
    }

    /// <summary>The port this node accepts frame links on (advertised as the role <c>frames:PORT</c>).</summary>
    public int Port { get; }

    /// <summary>
    /// True if the links both authenticate the other end and protect what they carry: mutual TLS, or this node bound to
    /// loopback (so every link is between two processes of this machine, past the secret's challenge).
    /// </summary>
    public bool Trusted { get; }

    /// <summary>The answer to a link's challenge: HMAC-SHA256(secret, label, challenge, greeting).</summary>
    private byte[] Answer(ReadOnlySpan<byte> challenge, ReadOnlySpan<byte> greeting)
    {
        var data = new byte[ChallengeLabel.Length + challenge.Length + greeting.Length];
        ChallengeLabel.CopyTo(data);
        challenge.CopyTo(data.AsSpan(ChallengeLabel.Length));
        greeting.CopyTo(data.AsSpan(ChallengeLabel.Length + challenge.Length));
        var mac = new byte[Remote.ClusterSecret.MacBytes];
        _secret.ComputeMac(data, mac);
        return mac;
    }

    /// <summary>The frame port a member advertises in its roles, or null.</summary>
    public static int? PortOf(IEnumerable<string> roles)
    {
        foreach (var r in roles)
            if (r.StartsWith(RolePrefix, StringComparison.Ordinal) && int.TryParse(r.AsSpan(RolePrefix.Length), out int p)) return p;
        return null;
    }

    /// <summary>
    /// Starts accepting links. Every link this node opens begins with <paramref name="hello"/> (who this node is, e.g. its
    /// Akka unique address), which the receiving node passes with every frame of that link to its callback: a member
    /// that was downed and comes back (a frozen process continued) can then be refused frame by frame.
    /// </summary>
    public void Start(string hello)
    {
        _hello = System.Text.Encoding.UTF8.GetBytes(hello);
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>
    /// Queues <paramref name="frame"/> for the member <paramref name="peerId"/> at host:port (connecting if needed);
    /// <paramref name="owner"/> (the frame's buffer) is disposed once the bytes are written or dropped.
    /// </summary>
    public void Send(string peerId, string host, int port, ReadOnlyMemory<byte> frame, IDisposable? owner)
    {
        var pending = new Pending(frame, owner);
        if (_links.TryGetValue(peerId, out var link) && link.TryEnqueue(host, port, pending)) return;
        lock (_links)
        {
            // No link yet, the member restarted on another port, or the old link failed: one fresh link (one, so frames
            // keep their order).
            var current = _links.GetValueOrDefault(peerId);
            if (current is not null && current.TryEnqueue(host, port, pending)) return;
            var fresh = new Link(this, peerId, host, port);
            _links[peerId] = fresh;
            current?.Close();
            if (!fresh.TryEnqueue(host, port, pending)) owner?.Dispose();
        }
    }

    /// <summary>A queued frame and what to dispose once it is written.</summary>
    private readonly record struct Pending(ReadOnlyMemory<byte> Bytes, IDisposable? Owner);

    /// <summary>Closes the link to a member that left or was removed.</summary>
    public void Forget(string peerId)
    {
        if (_links.TryRemove(peerId, out var link)) link.Close();
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        _stop.Cancel();
        _listener.Stop();
        foreach (var link in _links.Values) await link.CloseAndFlushAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        _links.Clear();
        foreach (var socket in _accepted.Keys) socket.Dispose();
        if (_acceptLoop is not null) await _acceptLoop.ConfigureAwait(false);
    }

    /// <summary>Stops at once without sending what is queued (as a killed process would).</summary>
    public void Abort()
    {
        _stop.Cancel();
        _listener.Stop();
        foreach (var link in _links.Values) link.Close();
        foreach (var socket in _accepted.Keys) socket.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            socket.NoDelay = true;
            _accepted[socket] = 0;
            _ = Task.Run(() => ReadLoopAsync(socket));
        }
    }

    private async Task ReadLoopAsync(Socket socket)
    {
        string source = $"tcp {socket.RemoteEndPoint}";
        try
        {
            Stream stream = new NetworkStream(socket, ownsSocket: true);
            if (_certificate is not null)
            {
                var tls = new SslStream(stream, false, ValidatePeer);
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificate = _certificate,
                    ClientCertificateRequired = true,
                    EnabledSslProtocols = SslProtocols.None,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                }, _stop.Token).ConfigureAwait(false);
                stream = tls;
            }
            await using var _ = stream.ConfigureAwait(false);
            var reader = new BufferedStream(stream, 1 << 16);
            var header = new byte[HeaderBytes];
            // The challenge, then the link's first message: who opened it, and the answer that proves the secret.
            var challenge = RandomNumberGenerator.GetBytes(ChallengeBytes);
            byte[] helloBytes, answer;
            using (var handshake = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
            {
                handshake.CancelAfter(HandshakeTimeout);
                await stream.WriteAsync(challenge, handshake.Token).ConfigureAwait(false);
                await stream.FlushAsync(handshake.Token).ConfigureAwait(false);
                if (!await ReadExactlyOrEndAsync(reader, header).ConfigureAwait(false)) return;
                int helloLength = BinaryPrimitives.ReadInt32LittleEndian(header);
                if (helloLength is <= 0 or > 4096)
                {
                    _log.LogWarning("Node '{NodeId}': closed the frame link from {Source}: no greeting", _nodeId, source);
                    return;
                }
                helloBytes = new byte[helloLength];
                answer = new byte[Remote.ClusterSecret.MacBytes];
                await reader.ReadExactlyAsync(helloBytes, handshake.Token).ConfigureAwait(false);
                await reader.ReadExactlyAsync(answer, handshake.Token).ConfigureAwait(false);
            }
            string peer = System.Text.Encoding.UTF8.GetString(helloBytes);
            if (!CryptographicOperations.FixedTimeEquals(answer, Answer(challenge, helloBytes)))
            {
                _log.LogWarning("Node '{NodeId}': refused the frame link from {Source} (greeting '{Peer}'): its answer to the challenge " +
                    "does not match the cluster secret (a node with another secret, or not an ActorSim node)", _nodeId, source, peer);
                return;
            }
            while (!_stop.IsCancellationRequested)
            {
                if (!await ReadExactlyOrEndAsync(reader, header).ConfigureAwait(false)) return;
                int length = BinaryPrimitives.ReadInt32LittleEndian(header);
                if (length <= 0 || length > _maxFrameBytes)
                {
                    _log.LogWarning("Node '{NodeId}': closed the frame link from {Source}: a frame of {Length} bytes (allowed 1 to {Max})",
                        _nodeId, source, length, _maxFrameBytes);
                    return;
                }
                // The layer above decodes the frame before the callback returns (decoders copy what they keep), so
                // the buffer goes back to the pool right after.
                var frame = ArrayPool<byte>.Shared.Rent(length);
                try
                {
                    await reader.ReadExactlyAsync(frame.AsMemory(0, length), _stop.Token).ConfigureAwait(false);
                    _onFrame(frame.AsMemory(0, length), source, peer);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(frame);
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException
                                      or AuthenticationException or EndOfStreamException)
        {
            if (!_stop.IsCancellationRequested)
                _log.LogDebug("Node '{NodeId}': the frame link from {Source} ended: {Error}", _nodeId, source, e.Message);
        }
        finally
        {
            _accepted.TryRemove(socket, out _);
            socket.Dispose();
        }
    }

    private static async Task<bool> ReadExactlyOrEndAsync(Stream stream, byte[] buffer)
    {
        int read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false).ConfigureAwait(false);
        if (read == 0) return false;
        if (read < buffer.Length) throw new EndOfStreamException("the link closed inside a frame header");
        return true;
    }

    private bool ValidatePeer(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        var peer = certificate is null ? null : certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        bool ok = ClusterTls.ChainsTo(peer, _ca!, out string why);
        if (!ok) _log.LogWarning("Node '{NodeId}': TLS refused the frame link certificate {Subject}: {Why}", _nodeId, peer?.Subject ?? "none", why);
        return ok;
    }

    /// <summary>One outbound connection and its queue, drained by one writer task in order.</summary>
    private sealed class Link
    {
        private readonly FrameLinks _owner;
        private readonly string _peerId;
        private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
        private readonly CancellationTokenSource _abort = new();
        private readonly Task _writer;
        private volatile bool _failed;

        public Link(FrameLinks owner, string peerId, string host, int port)
        {
            _owner = owner;
            _peerId = peerId;
            Host = host;
            Port = port;
            _writer = Task.Run(WriteLoopAsync);
        }

        public string Host { get; }
        public int Port { get; }

        /// <summary>Queues the frame if this link goes to host:port and has not failed.</summary>
        public bool TryEnqueue(string host, int port, Pending frame) => Host == host && Port == port && !_failed && _queue.Writer.TryWrite(frame);

        public void Close()
        {
            _queue.Writer.TryComplete();
            _abort.Cancel();
        }

        public async Task CloseAndFlushAsync(TimeSpan timeout)
        {
            _queue.Writer.TryComplete();
            if (await Task.WhenAny(_writer, Task.Delay(timeout)).ConfigureAwait(false) != _writer) _abort.Cancel();
        }

        private async Task WriteLoopAsync()
        {
            var log = _owner._log;
            Stream? stream = null;
            try
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(Host, Port, _abort.Token).ConfigureAwait(false);
                stream = new NetworkStream(socket, ownsSocket: true);
                if (_owner._certificate is not null)
                {
                    var tls = new SslStream(stream, false, _owner.ValidatePeer);
                    await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                    {
                        TargetHost = Host,
                        ClientCertificates = new X509CertificateCollection { _owner._certificate },
                        EnabledSslProtocols = SslProtocols.None,
                        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    }, _abort.Token).ConfigureAwait(false);
                    stream = tls;
                }
                var challenge = new byte[ChallengeBytes];
                await stream.ReadExactlyAsync(challenge, _abort.Token).ConfigureAwait(false);
                var writer = new BufferedStream(stream, 1 << 16);
                var header = new byte[HeaderBytes];
                BinaryPrimitives.WriteInt32LittleEndian(header, _owner._hello.Length);
                await writer.WriteAsync(header, _abort.Token).ConfigureAwait(false);
                await writer.WriteAsync(_owner._hello, _abort.Token).ConfigureAwait(false);
                await writer.WriteAsync(_owner.Answer(challenge, _owner._hello), _abort.Token).ConfigureAwait(false);
                var reader = _queue.Reader;
                while (await reader.WaitToReadAsync(_abort.Token).ConfigureAwait(false))
                {
                    while (reader.TryRead(out var frame))
                    {
                        try
                        {
                            BinaryPrimitives.WriteInt32LittleEndian(header, frame.Bytes.Length);
                            await writer.WriteAsync(header, _abort.Token).ConfigureAwait(false);
                            await writer.WriteAsync(frame.Bytes, _abort.Token).ConfigureAwait(false);
                        }
                        finally
                        {
                            frame.Owner?.Dispose();
                        }
                    }
                    await writer.FlushAsync(_abort.Token).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException
                                          or AuthenticationException)
            {
                _failed = true;
                _queue.Writer.TryComplete();
                int dropped = 0;
                while (_queue.Reader.TryRead(out var lost))
                {
                    lost.Owner?.Dispose();
                    dropped++;
                }
                if (!_abort.IsCancellationRequested)
                    log.LogDebug("Node '{NodeId}': the frame link to '{Peer}' ({Host}:{Port}) failed ({Error}); {Dropped} queued frames dropped",
                        _owner._nodeId, _peerId, Host, Port, e.Message, dropped);
            }
            finally
            {
                if (stream is not null) await stream.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
