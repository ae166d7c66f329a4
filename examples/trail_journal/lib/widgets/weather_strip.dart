import 'package:flutter/material.dart';
import 'package:flutter_hooks/flutter_hooks.dart';

import '../theme/insets.dart';

/// Horizontal strip of the next hours' forecast for the trailhead; tapping
/// an hour highlights it.
class WeatherStrip extends HookWidget {
  const WeatherStrip({super.key, required this.temperatures});

  final List<int> temperatures;

  @override
  Widget build(BuildContext context) {
    final textTheme = Theme.of(context).textTheme;
    final selected = useState(0);
    return SizedBox(
      height: 88,
      child: ListView.builder(
        scrollDirection: Axis.horizontal,
        padding: Insets.horizontalMd,
        itemCount: temperatures.length,
        itemBuilder: (context, index) {
          final isSelected = selected.value == index;
          return GestureDetector(
            onTap: () => selected.value = index,
            child: AnimatedContainer(
              duration: const Duration(milliseconds: 250),
              width: 56,
              margin: Insets.xs,
              decoration: BoxDecoration(
                color: isSelected ? Colors.lightBlue.shade100 : null,
                borderRadius: BorderRadius.circular(12),
              ),
              child: Column(
                mainAxisAlignment: MainAxisAlignment.center,
                children: [
                  Text('+${index}h', style: textTheme.labelSmall),
                  const SizedBox(height: 8),
                  Text('${temperatures[index]}°', style: textTheme.titleMedium),
                ],
              ),
            ),
          );
        },
      ),
    );
  }
}

class SunsetCountdown extends HookWidget {
  const SunsetCountdown({super.key, required this.sunset});

  final DateTime sunset;

  @override
  Widget build(BuildContext context) {
    final textTheme = Theme.of(context).textTheme;
    final now = useState(DateTime.now());
    useEffect(() {
      final timer = Stream.periodic(const Duration(minutes: 1)).listen(
        (_) => now.value = DateTime.now(),
      );
      return timer.cancel;
    }, const []);
    final left = sunset.difference(now.value);
    return ListTile(
      leading: const Icon(Icons.wb_twilight),
      title: Text('Sunset in ${left.inHours} h ${left.inMinutes % 60} min'),
      subtitle: Text('Plan your descent', style: textTheme.bodySmall),
    );
  }
}
