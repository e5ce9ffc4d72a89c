package org.crld4j.nn.data;

/** Images with integer labels in [0, numClasses). */
public interface Dataset {
    int size();
    Image image(int i);
    int label(int i);
    int numClasses();
    /** Where the data came from, for messages and logs. */
    String description();
}
