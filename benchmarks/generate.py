"""Deterministic generator of fine-tuning JSONL for benchmarks.

Three shapes:

- ``chat``: ``{"messages": [system?, user, assistant, (user, assistant)?]}``, about 700 bytes
  per example on average (100,000 examples are about 70 MB);
- ``completion``: legacy ``{"prompt": "...\\n\\n###\\n\\n", "completion": " ... END"}``;
- ``completion-raw``: prompt/completion that needs the legacy fixes (no separator, no stop
  sequence, no leading space), with 5% exact and 5% near repeats.

``completion-raw`` can be varied (``Variation``: ``--duplicates``, ``--near``, ``--length``,
``--script``), so that a benchmark also runs on data it was not tuned for: more or no repeats,
short or long texts, Latin-only, Chinese or Cyrillic text, or emoji everywhere. The defaults
give the same bytes as before the options existed.

Texts are built from a fixed vocabulary with a seeded random generator, so the same arguments
always give the same bytes. About one example in eight carries non-ASCII text (accents,
Chinese, an emoji), as real support data does. Every example is different from the others.

Usage::

    python benchmarks/generate.py chat 100000 -o benchmarks/data/chat_100000.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

VOCABULARY = (
    "account order invoice refund delivery package address payment card subscription plan "
    "password email login app update version support agent ticket number status shipping "
    "return exchange warranty product size colour price discount code store online website "
    "customer team week day hours business please thank you can could would should will "
    "the a an to of in on for with from by at and or but not your my our their this that "
    "it is are was were be been have has had do does did check open choose click select "
    "settings page menu button link form field message chat phone call wait minutes today "
    "tomorrow yesterday again still already soon later first next last new old same other "
    "problem issue error question answer help information details receipt confirmation"
)
WORDS = tuple(VOCABULARY.split())

UNICODE_SNIPPETS = (
    "Merci beaucoup pour votre réponse rapide.",
    "¿Dónde está mi pedido?",
    "Grüße aus München, die Lieferung ist angekommen.",
    "请问我的订单什么时候发货？",
    "谢谢您的耐心等待，我们会尽快处理。",
    "ご注文ありがとうございます。",
    "Thanks! 👍",
    "Le colis est arrivé abîmé 😕",
    "Спасибо за помощь.",
)

#: Word lists of the ``--script`` variations other than the default (Latin with an occasional
#: snippet of another script): each replaces the English vocabulary.
_SCRIPT_TEXT = {
    "cjk": (
        "订单 退款 发货 地址 付款 账户 密码 登录 客服 问题 帮助 商品 价格 优惠 快递 "
        "包裹 今天 明天 已经 还是 请问 谢谢 您好 我们 他们 时间 信息 确认 收据 退货"
    ),
    "cyrillic": (
        "заказ возврат доставка адрес оплата карта подписка пароль почта вход помощь "
        "вопрос ответ товар цена скидка сегодня завтра уже снова пожалуйста спасибо"
    ),
    "emoji": (
        "order 📦 refund 💸 delivery 🚚 address 🏠 payment 💳 help 🙏 thanks 👍 wait ⏳ "
        "today 📅 problem ⚠️ fixed ✅ sorry 😕 great 🎉 phone 📱 email 📧"
    ),
}
SCRIPT_WORDS = {name: tuple(text.split()) for name, text in _SCRIPT_TEXT.items()}


@dataclass(frozen=True)
class Variation:
    """How a ``completion-raw`` file departs from the default one."""

    duplicates: float = 0.05  # share of examples that repeat an earlier one exactly
    near: float = 0.05  # share that repeat one with a word changed (and the prompt extended)
    length: float = 1.0  # factor on the number of sentences and words of every text
    script: str = "mixed"  # mixed (default), latin, cjk, cyrillic, emoji

    @property
    def default(self) -> bool:
        return self == Variation()

    def tag(self) -> str:
        """A file-name part that names the variation ("" for the default)."""
        if self.default:
            return ""
        return (f"-d{self.duplicates:g}-n{self.near:g}-l{self.length:g}-{self.script}").replace(
            ".", "p"
        )


SYSTEM_PROMPTS = (
    "You are a helpful customer support assistant for an online store.",
    "You are Shopbot, the support assistant of Northwind Outfitters. Answer briefly and "
    "politely, and never invent order details.",
    "You answer questions about billing, shipping and returns.",
)


def _sentence(rng: random.Random, low: int, high: int, words: tuple[str, ...] = WORDS) -> str:
    chosen = rng.choices(words, k=rng.randint(low, high))
    return chosen[0].capitalize() + " " + " ".join(chosen[1:]) + rng.choice(".?!.")


def _text(rng: random.Random, sentences: tuple[int, int], words: tuple[int, int]) -> str:
    variation = _VARIATION[0]
    if not variation.default:
        return _varied_text(rng, sentences, words, variation)
    parts = [_sentence(rng, *words) for _ in range(rng.randint(*sentences))]
    if rng.random() < 0.125:
        parts.insert(rng.randint(0, len(parts)), rng.choice(UNICODE_SNIPPETS))
    return " ".join(parts)


def _scaled(bounds: tuple[int, int], factor: float) -> tuple[int, int]:
    return max(1, round(bounds[0] * factor)), max(1, round(bounds[1] * factor))


def _varied_text(
    rng: random.Random, sentences: tuple[int, int], words: tuple[int, int], variation: Variation
) -> str:
    vocabulary = SCRIPT_WORDS.get(variation.script, WORDS)
    sentences, words = _scaled(sentences, variation.length), _scaled(words, variation.length)
    parts = [_sentence(rng, *words, vocabulary) for _ in range(rng.randint(*sentences))]
    if variation.script == "mixed" and rng.random() < 0.125:
        parts.insert(rng.randint(0, len(parts)), rng.choice(UNICODE_SNIPPETS))
    joiner = "" if variation.script == "cjk" else " "
    return joiner.join(parts)


def chat_example(rng: random.Random, index: int) -> dict:
    messages = []
    if rng.random() < 0.7:
        messages.append({"role": "system", "content": rng.choice(SYSTEM_PROMPTS)})
    turns = 2 if rng.random() < 0.2 else 1
    for turn in range(turns):
        question = _text(rng, (1, 2), (6, 16))
        if turn == 0:
            question = f"Ticket {index}: {question}"
        messages.append({"role": "user", "content": question})
        messages.append({"role": "assistant", "content": _text(rng, (2, 6), (8, 18))})
    return {"messages": messages}


def completion_example(rng: random.Random, index: int) -> dict:
    prompt = f"Ticket {index}: " + _text(rng, (1, 3), (6, 16))
    return {
        "prompt": prompt + "\n\n###\n\n",
        "completion": " " + _text(rng, (2, 5), (8, 18)) + " END",
    }


def completion_raw_example(rng: random.Random, index: int) -> dict:
    """A prompt/completion record that needs every legacy fix: no separator at the end of the
    prompt, no stop sequence, no leading space in the completion. One example in twenty
    repeats an earlier one exactly, one in twenty nearly (a word changed): the dataset rules
    and the counts meet repeats, as in real data."""
    history = _RAW_HISTORY
    variation = _VARIATION[0]
    if history and rng.random() < variation.duplicates:
        return dict(rng.choice(history))
    if history and rng.random() < variation.near:
        earlier = rng.choice(history)
        words = earlier["completion"].split(" ")
        words[rng.randrange(len(words))] = rng.choice(SCRIPT_WORDS.get(variation.script, WORDS))
        return {"prompt": earlier["prompt"] + " again", "completion": " ".join(words)}
    example = {
        "prompt": f"Ticket {index}: " + _text(rng, (1, 3), (6, 16)),
        "completion": _text(rng, (1, 4), (6, 18)),
    }
    if len(history) < 2000:
        history.append(example)
    else:
        history[rng.randrange(len(history))] = example
    return example


#: Examples of ``completion_raw_example`` that later ones may repeat (reset per file).
_RAW_HISTORY: list[dict] = []
#: The variation of the file being generated (set per file by ``examples``).
_VARIATION: list[Variation] = [Variation()]

SHAPES = {
    "chat": chat_example,
    "completion": completion_example,
    "completion-raw": completion_raw_example,
}


def examples(
    shape: str, count: int, seed: int = 0, variation: Variation | None = None
) -> Iterator[dict]:
    make = SHAPES[shape]
    rng = random.Random(f"{shape}:{seed}")
    _RAW_HISTORY.clear()
    _VARIATION[0] = variation or Variation()
    try:
        for index in range(1, count + 1):
            yield make(rng, index)
    finally:
        _VARIATION[0] = Variation()


def generate(
    shape: str, count: int, out: Path, seed: int = 0, variation: Variation | None = None
) -> int:
    """Write ``count`` examples to ``out`` (atomically); returns the file size in bytes."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    with tmp.open("w", encoding="utf-8", newline="\n") as handle:
        for example in examples(shape, count, seed, variation):
            handle.write(json.dumps(example, ensure_ascii=False) + "\n")
    tmp.replace(out)
    return out.stat().st_size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("shape", choices=sorted(SHAPES))
    parser.add_argument("count", type=int, help="number of examples")
    parser.add_argument("-o", "--output", type=Path, help="default: benchmarks/data/SHAPE_N.jsonl")
    parser.add_argument("--seed", type=int, default=0)
    default = Variation()
    parser.add_argument(
        "--duplicates",
        type=float,
        default=default.duplicates,
        help="completion-raw: share of exact repeats (default: %(default)s)",
    )
    parser.add_argument(
        "--near",
        type=float,
        default=default.near,
        help="completion-raw: share of near repeats (default: %(default)s)",
    )
    parser.add_argument(
        "--length",
        type=float,
        default=default.length,
        help="factor on the length of every text (default: %(default)s)",
    )
    parser.add_argument("--script", default=default.script,
                        choices=["mixed", "latin", *sorted(SCRIPT_WORDS)])  # fmt: skip
    args = parser.parse_args(argv)
    variation = Variation(args.duplicates, args.near, args.length, args.script)
    name = f"{args.shape}{variation.tag()}_{args.count}.jsonl"
    out = args.output or Path(__file__).parent / "data" / name
    size = generate(args.shape, args.count, out, args.seed, variation)
    print(f"wrote {out}: {args.count} examples, {size / 1e6:.1f} MB ({size / args.count:.0f} B/ex)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
