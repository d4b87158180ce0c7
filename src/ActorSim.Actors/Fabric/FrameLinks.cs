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
    private readonly bool _inlineSends;
    private readonly ConcurrentDictionary<string, Link> _links = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Socket, byte> _accepted = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _acceptLoop;

    public FrameLinks(string nodeId, string host, int port, TlsSettings? tls, Remote.ClusterSecret? secret, long maxFrameBytes,
        Action<ReadOnlyMemory<byte>, string, string> onFrame, ILogger log, bool inlineSends = false)
    {
        _inlineSends = inlineSends;
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
        catch (Exception e) when (IsLinkFailure(e))
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

    /// <summary>How a link ends: the peer gone or reset, the link closed, TLS refused (end of stream is an IOException).</summary>
    private static bool IsLinkFailure(Exception e) =>
        e is IOException or SocketException or ObjectDisposedException or OperationCanceledException or AuthenticationException;

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

    /// <summary>
    /// One outbound connection and its queue, written in order by one drainer at a time: the link's drain task, or
    /// (option <c>inlineSends</c>, plain TCP only) the sending thread itself for a small frame that finds the link idle,
    /// without blocking (the socket is then non-blocking: what the kernel does not take at once goes on asynchronously).
    /// </summary>
    private sealed class Link
    {
        /// <summary>Frames up to this size may be written inline by the sender.</summary>
        private const int InlineBytes = 64 << 10;

        private readonly FrameLinks _owner;
        private readonly string _peerId;
        private readonly ConcurrentQueue<Pending> _queue = new();
        private readonly CancellationTokenSource _abort = new();
        private readonly byte[] _header = new byte[HeaderBytes];
        private Socket? _socket;
        private Stream? _stream;     // what the drain task writes to: the socket's stream, or TLS over it, buffered
        private volatile bool _ready, _failed, _closed;
        private bool _inline;        // small frames written by their sender (plain TCP with inline sends on)
        private int _draining;       // 1 while one thread owns the writing side
        private Pending? _current;   // the frame being written (owned by the drainer) ...
        private int _sent;           // ... and how many of its bytes (header first) are out

        public Link(FrameLinks owner, string peerId, string host, int port)
        {
            _owner = owner;
            _peerId = peerId;
            Host = host;
            Port = port;
            _ = Task.Run(ConnectAsync);
        }

        public string Host { get; }
        public int Port { get; }

        /// <summary>Queues the frame if this link goes to host:port and has not failed or closed.</summary>
        public bool TryEnqueue(string host, int port, Pending frame)
        {
            if (Host != host || Port != port || _failed || _closed) return false;
            _queue.Enqueue(frame);
            if (_failed) DropQueued(); // failed meanwhile: nothing will write it
            else Kick();
            return true;
        }

        public void Close()
        {
            _closed = true;
            _abort.Cancel(); // a pending connect fails and a drainer stops; either drops what is queued (Fail)
            _socket?.Dispose();
        }

        public async Task CloseAndFlushAsync(TimeSpan timeout)
        {
            _closed = true;
            var deadline = DateTime.UtcNow + timeout;
            while (!_failed && (!_queue.IsEmpty || Volatile.Read(ref _draining) != 0 || !_ready) && DateTime.UtcNow < deadline)
                await Task.Delay(1).ConfigureAwait(false);
            _abort.Cancel();
            try
            {
                // Flushes what a drain task left buffered; the link may have failed or the peer gone meanwhile.
                if (_stream is not null) await _stream.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (IsLinkFailure(e))
            {
            }
            _socket?.Dispose();
            DropQueued();
        }

        private async Task ConnectAsync()
        {
            try
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                _socket = socket;
                await socket.ConnectAsync(Host, Port, _abort.Token).ConfigureAwait(false);
                Stream stream = new NetworkStream(socket, ownsSocket: true);
                bool tls = _owner._certificate is not null;
                if (tls)
                {
                    var ssl = new SslStream(stream, false, _owner.ValidatePeer);
                    await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                    {
                        TargetHost = Host,
                        ClientCertificates = new X509CertificateCollection { _owner._certificate! },
                        EnabledSslProtocols = SslProtocols.None,
                        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    }, _abort.Token).ConfigureAwait(false);
                    stream = ssl;
                }
                var challenge = new byte[ChallengeBytes];
                await stream.ReadExactlyAsync(challenge, _abort.Token).ConfigureAwait(false);
                var hello = new byte[HeaderBytes + _owner._hello.Length + Remote.ClusterSecret.MacBytes];
                BinaryPrimitives.WriteInt32LittleEndian(hello, _owner._hello.Length);
                _owner._hello.CopyTo(hello, HeaderBytes);
                _owner.Answer(challenge, _owner._hello).CopyTo(hello, HeaderBytes + _owner._hello.Length);
                await stream.WriteAsync(hello, _abort.Token).ConfigureAwait(false);
                await stream.FlushAsync(_abort.Token).ConfigureAwait(false);
                _inline = !tls && _owner._inlineSends;
                if (_inline)
                {
                    socket.Blocking = false; // inline sends take what the kernel takes now and never wait
                    _stream = stream;
                }
                else _stream = new BufferedStream(stream, 1 << 16);
                _ready = true;
                Kick();
            }
            catch (Exception e) when (IsLinkFailure(e))
            {
                Fail(e);
            }
        }


        /// <summary>Starts writing unless another thread does (it sees the new frame: it checks the queue before it lets go).</summary>
        private void Kick()
        {
            while (_ready && !_queue.IsEmpty && Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
            {
                if (!_inline)
                {
                    _ = Task.Run(DrainAsync);
                    return;
                }
                if (!DrainInline()) return; // a drain task owns the link now (or it failed)
                // DrainInline let go with the queue empty; a frame queued just then is picked up by the loop.
            }
        }

        /// <summary>
        /// Writes small frames on this thread without waiting; true when it let go of the link with nothing left, false
        /// when it handed the rest to a drain task (a large frame, or the kernel's buffer full) or the link failed.
        /// </summary>
        private bool DrainInline()
        {
            try
            {
                while (true)
                {
                    if (_current is null)
                    {
                        if (!_queue.TryDequeue(out var next)) break;
                        Begin(next);
                    }
                    var frame = _current!.Value;
                    if (frame.Bytes.Length > InlineBytes || !SendNow(frame))
                    {
                        _ = Task.Run(DrainAsync);
                        return false;
                    }
                    Finish();
                }
            }
            catch (Exception e) when (IsLinkFailure(e))
            {
                Fail(e);
                return false;
            }
            Volatile.Write(ref _draining, 0);
            return true;
        }

        private void Begin(Pending frame)
        {
            _current = frame;
            _sent = 0;
            BinaryPrimitives.WriteInt32LittleEndian(_header, frame.Bytes.Length);
        }

        private void Finish()
        {
            _current!.Value.Owner?.Dispose();
            _current = null;
        }

        /// <summary>Sends what is left of the current frame without blocking; true if all of it went out.</summary>
        private bool SendNow(Pending frame)
        {
            var socket = _socket!;
            while (_sent < HeaderBytes)
            {
                int n = socket.Send(_header.AsSpan(_sent), SocketFlags.None, out var error);
                if (error == SocketError.WouldBlock) return false;
                if (error != SocketError.Success) throw new SocketException((int)error);
                _sent += n;
            }
            var payload = frame.Bytes.Span;
            while (_sent - HeaderBytes < payload.Length)
            {
                int n = socket.Send(payload[(_sent - HeaderBytes)..], SocketFlags.None, out var error);
                if (error == SocketError.WouldBlock) return false;
                if (error != SocketError.Success) throw new SocketException((int)error);
                _sent += n;
            }
            return true;
        }

        /// <summary>Writes the rest of the current frame and whatever is queued, then lets go (and looks once more).</summary>
        private async Task DrainAsync()
        {
            var stream = _stream!;
            try
            {
                while (true)
                {
                    while (true)
                    {
                        if (_current is null)
                        {
                            if (!_queue.TryDequeue(out var next)) break;
                            Begin(next);
                        }
                        var frame = _current!.Value;
                        if (_sent < HeaderBytes) await stream.WriteAsync(_header.AsMemory(_sent), _abort.Token).ConfigureAwait(false);
                        int offset = Math.Max(0, _sent - HeaderBytes);
                        if (offset < frame.Bytes.Length) await stream.WriteAsync(frame.Bytes[offset..], _abort.Token).ConfigureAwait(false);
                        Finish();
                    }
                    await stream.FlushAsync(_abort.Token).ConfigureAwait(false);
                    Volatile.Write(ref _draining, 0);
                    if (_queue.IsEmpty || Interlocked.CompareExchange(ref _draining, 1, 0) != 0) return;
                }
            }
            catch (Exception e) when (IsLinkFailure(e))
            {
                Fail(e);
            }
        }

        private void Fail(Exception e)
        {
            _failed = true;
            if (_current is { } current)
            {
                current.Owner?.Dispose();
                _current = null;
            }
            int dropped = DropQueued();
            Volatile.Write(ref _draining, 0);
            if (!_abort.IsCancellationRequested && !_closed)
                _owner._log.LogDebug("Node '{NodeId}': the frame link to '{Peer}' ({Host}:{Port}) failed ({Error}); {Dropped} queued frames dropped",
                    _owner._nodeId, _peerId, Host, Port, e.Message, dropped);
            _socket?.Dispose();
        }

        private int DropQueued()
        {
            int dropped = 0;
            while (_queue.TryDequeue(out var lost))
            {
                lost.Owner?.Dispose();
                dropped++;
            }
            return dropped;
        }
    }
}
