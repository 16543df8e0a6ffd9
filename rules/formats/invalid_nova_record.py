"""FT941: a record in Amazon Nova's bedrock-conversation-2024 format that Bedrock rejects."""

from __future__ import annotations

from ftlint.rules.formats.writing import SourceFormatRule


class InvalidNovaRecord(SourceFormatRule):
    """## What it does
    Checks records in Amazon Nova's fine-tuning format (`schemaVersion`, `system` blocks,
    `messages` of content blocks) as AWS's own validator does: at least a user and an
    assistant turn, turns alternating user/assistant from user to assistant, `content` a list
    of blocks each holding exactly one of `text`, `image`, `video` (and `reasoningContent` in
    assistant turns, Nova 2), no image or video in an assistant turn, image formats
    jpeg/png/gif/webp and video mov/mkv/mp4/webm from `source.s3Location.uri`, at most 10
    images and one video a sample and never both, no empty text. Sources:
    https://docs.aws.amazon.com/nova/latest/userguide/fine-tune-prepare-data-understanding.html
    and aws-samples/amazon-bedrock-samples nova_ft_dataset_validator.py (read 2026-12-03).

    ## Why is this bad?
    Bedrock's validation rejects the whole job for one bad sample.

    ## Example
    `{"schemaVersion": "bedrock-conversation-2024",
    "messages": [{"role": "user", "content": "Hi"}]}`: content is a list of
    blocks, and the assistant turn is missing.

    ## Fix safety
    No fix: the record says something the format cannot; correct it at the pointer given.
    """

    code = "FT941"
    name = "invalid-nova-record"
    shape = "nova"
