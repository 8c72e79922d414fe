"""Writes hf-bytelevel.json and hf-expected.json: a byte-level BPE trained and saved by
Hugging Face's own `tokenizers` (0.23), with the ids it gives for a few texts, so the Java
loader is tested on a file a real writer produced (merges as [a, b] pairs).

Run from this folder:  PYTHONPATH=<tokenizers installed here> python3 make_hf_fixture.py
"""
import json

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

CORPUS = [
    "It was the best of times, it was the worst of times; it was the age of wisdom.",
    "Don't, she said -- I'll go, you'd think, we're here, they've left, I'm done.",
    "def fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\n",
    "Ünïcödé naïve café, Привет мир, 你好世界, emoji 😀👍🏽 and numbers 1234567890.",
] * 20
TEXTS = [
    "It was the age of foolishness, and we're all here.\r\n\tdef f(x): return x * 2  ",
    "Ünïcödé 😀 你好 'S 'll 1234 ½ \u00a0\u3000 tail   \n\n",
]

tokenizer = Tokenizer(models.BPE())
tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
tokenizer.decoder = decoders.ByteLevel()
trainer = trainers.BpeTrainer(
    vocab_size=400,
    initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    special_tokens=["<|endoftext|>"],
    show_progress=False,
)
tokenizer.train_from_iterator(CORPUS, trainer)
tokenizer.save("hf-bytelevel.json")
expected = [{"text": t, "ids": tokenizer.encode(t, add_special_tokens=False).ids} for t in TEXTS]
with open("hf-expected.json", "w", encoding="utf-8") as f:
    json.dump(expected, f, ensure_ascii=False, indent=1)
