#!/usr/bin/env escript
%%! -noshell
%% megaco_bench.escript FILE...: decode+encode throughput of Erlang/OTP megaco's text codec (Debian
%% erlang-megaco) on the same files, one scheduler, each loop bounded by time (1 s) and count.
%% Pretty files go through megaco_pretty_text_encoder, compact ones (starting with "!") through
%% megaco_compact_text_encoder. Prints "FILE <bytes> <messages per second>".
main(Files) ->
    Seconds = case os:getenv("BENCH_SECONDS") of false -> 1.0; S -> list_to_float(S) end,
    [bench(F, Seconds) || F <- Files],
    ok.

bench(File, Seconds) ->
    {ok, Bin} = file:read_file(File),
    Mod = case Bin of <<"!", _/binary>> -> megaco_compact_text_encoder; _ -> megaco_pretty_text_encoder end,
    {ok, Msg0} = Mod:decode_message([], dynamic, Bin),
    {ok, _} = Mod:encode_message([], 3, Msg0),
    Limit = erlang:convert_time_unit(round(Seconds * 1000), millisecond, native),
    Start = erlang:monotonic_time(),
    N = loop(Mod, Bin, Start, Limit, 0),
    Elapsed = erlang:convert_time_unit(erlang:monotonic_time() - Start, native, microsecond) / 1.0e6,
    io:format("~s ~b ~b~n", [File, byte_size(Bin), round(N / Elapsed)]).

loop(Mod, Bin, Start, Limit, N) when N < 50000000 ->
    case erlang:monotonic_time() - Start < Limit of
        true -> loop(Mod, Bin, Start, Limit, N + batch(Mod, Bin, 100));
        false -> N
    end;
loop(_, _, _, _, N) -> N.

batch(_, _, 0) -> 0;
batch(Mod, Bin, K) ->
    {ok, Msg} = Mod:decode_message([], dynamic, Bin),
    {ok, _} = Mod:encode_message([], 3, Msg),
    1 + batch(Mod, Bin, K - 1).
