import 'package:flutter/material.dart';

import '../models/hike.dart';
import '../theme/insets.dart';
import '../widgets/rating_stars.dart';
import 'trail_card.dart';

/// One logged hike: date, duration and the star rating the user gave it.
class HikeCard extends TrailCard {
  const HikeCard({super.key, super.onTap, required this.hike});

  final Hike hike;

  @override
  IconData get leadingIcon => Icons.hiking;

  @override
  String get title => '${hike.date.day}.${hike.date.month}.${hike.date.year}';

  @override
  Widget buildBody(BuildContext context) {
    final textTheme = Theme.of(context).textTheme;
    return Row(
      children: [
        Text(
          '${hike.duration.inHours} h ${hike.duration.inMinutes % 60} min',
          style: textTheme.bodyMedium,
        ),
        const Spacer(),
        RatingStars(rating: hike.rating, size: 16),
      ],
    );
  }
}

class ExpandableHikeCard extends StatefulWidget {
  const ExpandableHikeCard({super.key, required this.hike});

  final Hike hike;

  @override
  State<ExpandableHikeCard> createState() => _ExpandableHikeCardState();
}

class _ExpandableHikeCardState extends State<ExpandableHikeCard> {
  bool _expanded = false;

  @override
  Widget build(BuildContext context) {
    final textTheme = Theme.of(context).textTheme;
    return Card(
      child: Column(
        children: [
          HikeCard(
            hike: widget.hike,
            onTap: () => setState(() => _expanded = !_expanded),
          ),
          AnimatedCrossFade(
            firstChild: const SizedBox.shrink(),
            secondChild: Padding(
              padding: Insets.md,
              child: Text(widget.hike.notes, style: textTheme.bodyMedium),
            ),
            crossFadeState: _expanded
                ? CrossFadeState.showSecond
                : CrossFadeState.showFirst,
            duration: const Duration(milliseconds: 200),
          ),
        ],
      ),
    );
  }
}
